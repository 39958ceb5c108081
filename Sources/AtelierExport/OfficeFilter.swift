/// The Lua filter pandoc runs while it makes the Word document from `TranscriptExporter.officeSource`, for what
/// its GitHub Markdown reader leaves out: column widths, and the line breaks the Markdown writes as `<br>`.
///
/// A filter rather than pandoc's own Markdown reader, which reads widths from a table's dashes: that reader takes
/// `@name`, `$`, `^`, `~`, quotes and many more of people's characters for syntax, so their text would no
/// longer be what they wrote.
public enum OfficeFilter {
    /// The filter, as a file to hand pandoc with `--lua-filter`.
    public static let file = TranscriptFile(fileName: "office.lua", mediaType: "text/x-lua", bytes: Array(lua.utf8))

    private static let lua = #"""
        -- Columns are laid out as a browser lays out a table: each as wide as its longest text when the table
        -- fits across the page; otherwise each at least as wide as its longest word, and the room left shared
        -- in proportion to what each still lacks. Without widths, Word splits the page evenly, and a
        -- recommendation gets as thin a column as its dots.
        local line = 64 -- characters across the page, counted as figures, the widest of a cell's usual characters
        local padding = 2 -- a cell's margins, in characters
        local short = 12 -- a cell this short (a figure with its unit, a time span) stays on one line

        local function length(text)
          return utf8.len(text) or #text
        end

        function Table(table)
          local whole, word = {}, {}
          for column = 1, #table.colspecs do
            whole[column], word[column] = padding, padding
          end
          local function measure(rows)
            for _, row in ipairs(rows) do
              for column, cell in ipairs(row.cells) do
                local text = pandoc.utils.stringify(cell.contents)
                local size = length(text)
                local unbroken = size
                if size > short then
                  unbroken = 0
                  for piece in text:gmatch("%S+") do
                    unbroken = math.max(unbroken, length(piece))
                  end
                end
                whole[column] = math.max(whole[column], size + padding)
                word[column] = math.max(word[column], unbroken + padding)
              end
            end
          end
          measure(table.head.rows)
          for _, body in ipairs(table.bodies) do
            measure(body.body)
          end
          local wanted, needed = 0, 0
          for column = 1, #whole do
            wanted, needed = wanted + whole[column], needed + word[column]
          end
          for column, spec in ipairs(table.colspecs) do
            local width
            if wanted <= line then
              width = whole[column] / line
            elseif needed >= line then
              width = word[column] / needed
            else
              local spare = (line - needed) / (wanted - needed)
              width = (word[column] + (whole[column] - word[column]) * spare) / line
            end
            table.colspecs[column] = {spec[1], width}
          end
          return table
        end

        -- A line break inside a text is the one piece of HTML the Markdown holds, which Word would drop.
        function RawInline(raw)
          if raw.format == "html" and raw.text:match("^<br%s*/?>$") then
            return pandoc.LineBreak()
          end
        end
        """#
}
