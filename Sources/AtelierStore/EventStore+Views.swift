import GRDB

extension EventStore {
    /// Version 2: views an organiser can query with the sqlite3 shell (documented in the README).
    ///
    /// They read the event log directly, so they can never disagree with it; payloads are the
    /// JSON of `Event` cases (`{"id": "n3", "board": "slot/room", …}`).
    static func createOrganiserViews(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX events_by_type ON events(session_id, type);

            CREATE VIEW participants AS
            SELECT j.session_id,
                   json_extract(j.payload, '$.id') AS participant_id,
                   json_extract(j.payload, '$.name') AS name,
                   json_extract(j.payload, '$.role') AS role,
                   json_extract(j.payload, '$.organisation') AS organisation,
                   json_extract(j.payload, '$.language') AS language,
                   json_extract(j.payload, '$.isModerator') AS is_moderator,
                   j.at AS joined_at,
                   COALESCE((SELECT e.type = 'participantLeft' FROM events e
                             WHERE e.session_id = j.session_id
                               AND e.type IN ('participantLeft', 'participantRejoined')
                               AND json_extract(e.payload, '$.id') = json_extract(j.payload, '$.id')
                             ORDER BY e.seq DESC LIMIT 1), 0) AS has_left
            FROM events j WHERE j.type = 'participantJoined';

            CREATE VIEW rooms AS
            SELECT e.session_id,
                   json_extract(r.value, '$.id') AS room_id,
                   json_extract(r.value, '$.theme') AS theme
            FROM events e, json_each(e.payload, '$.workshop.rooms') r
            WHERE e.type = 'sessionCreated';

            CREATE VIEW room_assignments AS
            SELECT a.session_id, a.seq,
                   (SELECT json_extract(o.payload, '$.slot') FROM events o
                    WHERE o.session_id = a.session_id AND o.type = 'roomsOpened' AND o.seq < a.seq
                    ORDER BY o.seq DESC LIMIT 1) AS slot,
                   json_extract(a.payload, '$.participant') AS participant_id,
                   json_extract(a.payload, '$.room') AS room_id,
                   a.at AS assigned_at
            FROM events a WHERE a.type = 'participantAssigned';

            CREATE VIEW notes AS
            WITH added AS (
                SELECT session_id, at, payload,
                       json_extract(payload, '$.id') AS note_id,
                       json_extract(payload, '$.board') AS board
                FROM events WHERE type = 'noteAdded'
            ), latest_edit AS (
                SELECT session_id, json_extract(payload, '$.id') AS note_id, MAX(seq) AS seq
                FROM events WHERE type = 'noteEdited' GROUP BY session_id, note_id
            )
            SELECT a.session_id, a.note_id,
                   substr(a.board, 1, instr(a.board, '/') - 1) AS slot,
                   substr(a.board, instr(a.board, '/') + 1) AS room,
                   json_extract(a.payload, '$.prompt') AS prompt,
                   json_extract(a.payload, '$.author') AS author_id,
                   COALESCE(json_extract(e.payload, '$.text'), json_extract(a.payload, '$.text')) AS text,
                   COALESCE(json_extract(e.payload, '$.colour'), json_extract(a.payload, '$.colour')) AS colour,
                   json_extract(a.payload, '$.anonymous') AS anonymous,
                   a.at AS created_at,
                   e.at AS edited_at
            FROM added a
            LEFT JOIN latest_edit l ON l.session_id = a.session_id AND l.note_id = a.note_id
            LEFT JOIN events e ON e.session_id = l.session_id AND e.seq = l.seq
            WHERE NOT EXISTS (SELECT 1 FROM events d
                              WHERE d.session_id = a.session_id AND d.type = 'noteDeleted'
                                AND json_extract(d.payload, '$.id') = a.note_id);

            CREATE VIEW comments AS
            SELECT c.session_id,
                   json_extract(c.payload, '$.id') AS comment_id,
                   json_extract(c.payload, '$.note') AS note_id,
                   json_extract(c.payload, '$.author') AS author_id,
                   json_extract(c.payload, '$.text') AS text,
                   c.at AS created_at
            FROM events c
            WHERE c.type = 'commentAdded'
              AND json_extract(c.payload, '$.note') IN (SELECT note_id FROM notes n WHERE n.session_id = c.session_id)
              AND NOT EXISTS (SELECT 1 FROM events d
                              WHERE d.session_id = c.session_id AND d.type = 'commentDeleted'
                                AND json_extract(d.payload, '$.id') = json_extract(c.payload, '$.id'));

            -- Dots on an item removed while its round was open were handed back, so they are left out.
            CREATE VIEW votes AS
            SELECT v.session_id,
                   json_extract(v.payload, '$.vote') AS vote_id,
                   json_extract(v.payload, '$.item') AS item_id,
                   json_extract(v.payload, '$.participant') AS participant_id,
                   SUM(CASE v.type WHEN 'dotPlaced' THEN 1 ELSE -1 END) AS dots
            FROM events v
            WHERE v.type IN ('dotPlaced', 'dotRemoved')
              AND NOT EXISTS (
                  SELECT 1 FROM events d
                  WHERE d.session_id = v.session_id
                    AND d.type IN ('noteDeleted', 'itemDemoted', 'recommendationWithdrawn')
                    AND json_extract(d.payload, '$.id') = json_extract(v.payload, '$.item')
                    AND d.seq < COALESCE((SELECT c.seq FROM events c
                                          WHERE c.session_id = v.session_id AND c.type = 'voteClosed'
                                            AND json_extract(c.payload, '$.id') = json_extract(v.payload, '$.vote')),
                                         9223372036854775807))
            GROUP BY v.session_id, vote_id, item_id, participant_id
            HAVING dots > 0;

            CREATE VIEW vote_totals AS
            SELECT session_id, vote_id, item_id, SUM(dots) AS dots, COUNT(*) AS voters
            FROM votes GROUP BY session_id, vote_id, item_id;

            CREATE VIEW recommendations AS
            WITH latest_edit AS (
                SELECT session_id, json_extract(payload, '$.id') AS recommendation_id, MAX(seq) AS seq
                FROM events WHERE type = 'recommendationEdited' GROUP BY session_id, recommendation_id
            )
            SELECT r.session_id,
                   json_extract(r.payload, '$.id') AS recommendation_id,
                   COALESCE(json_extract(e.payload, '$.text'), json_extract(r.payload, '$.text')) AS text,
                   COALESCE(json_extract(e.payload, '$.sources'), json_extract(r.payload, '$.sources')) AS sources,
                   CASE WHEN e.payload IS NULL THEN json_extract(r.payload, '$.room')
                        ELSE json_extract(e.payload, '$.room') END AS room,
                   json_extract(r.payload, '$.by') AS author_id,
                   r.at AS created_at
            FROM events r
            LEFT JOIN latest_edit l ON l.session_id = r.session_id
                                   AND l.recommendation_id = json_extract(r.payload, '$.id')
            LEFT JOIN events e ON e.session_id = l.session_id AND e.seq = l.seq
            WHERE r.type = 'recommendationDrafted'
              AND NOT EXISTS (SELECT 1 FROM events w
                              WHERE w.session_id = r.session_id AND w.type = 'recommendationWithdrawn'
                                AND json_extract(w.payload, '$.id') = json_extract(r.payload, '$.id'));
            """)
    }

    /// Version 3: a recommendation's `text` is its original, whether the event holds a plain text
    /// or one by language, and `translations` holds the text by language (NULL for a plain text).
    static func separateRecommendationTranslations(_ db: Database) throws {
        try db.execute(sql: """
            DROP VIEW recommendations;

            CREATE VIEW recommendations AS
            WITH latest_edit AS (
                SELECT session_id, json_extract(payload, '$.id') AS recommendation_id, MAX(seq) AS seq
                FROM events WHERE type = 'recommendationEdited' GROUP BY session_id, recommendation_id
            ),
            current AS (
                SELECT r.session_id, r.payload AS drafted, COALESCE(e.payload, r.payload) AS latest,
                       e.payload IS NOT NULL AS edited, r.at
                FROM events r
                LEFT JOIN latest_edit l ON l.session_id = r.session_id
                                       AND l.recommendation_id = json_extract(r.payload, '$.id')
                LEFT JOIN events e ON e.session_id = l.session_id AND e.seq = l.seq
                WHERE r.type = 'recommendationDrafted'
                  AND NOT EXISTS (SELECT 1 FROM events w
                                  WHERE w.session_id = r.session_id AND w.type = 'recommendationWithdrawn'
                                    AND json_extract(w.payload, '$.id') = json_extract(r.payload, '$.id'))
            )
            SELECT session_id,
                   json_extract(drafted, '$.id') AS recommendation_id,
                   CASE WHEN json_type(latest, '$.text') = 'object' THEN json_extract(latest, '$.text.""')
                        ELSE json_extract(latest, '$.text') END AS text,
                   CASE WHEN json_type(latest, '$.text') = 'object' THEN json_extract(latest, '$.text') END AS translations,
                   json_extract(latest, '$.sources') AS sources,
                   json_extract(latest, '$.room') AS room,
                   json_extract(drafted, '$.by') AS author_id,
                   at AS created_at
            FROM current;
            """)
    }
}
