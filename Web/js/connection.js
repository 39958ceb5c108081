// One websocket to `atelier serve` (protocol atelier.v1, docs/PROTOCOL.md), kept alive:
// reconnects with exponential backoff and jitter, notices dead links with pings, and keeps
// an estimate of the server clock.

const SUBPROTOCOL = 'atelier.v1';
const PING_EVERY = 15000;
const PING_TIMEOUT = 8000;
const BACKOFF_FIRST = 500;
const BACKOFF_MAX = 15000;

/** Error of a refused or unanswered request: `code` as in the protocol, `message` a sentence. */
export class RequestError extends Error {
  constructor(code, message, path) {
    super(message || code);
    this.code = code;
    this.path = path;
  }
}

/** Server time estimate: offset = server `now` − local time, from the ping with the shortest round trip. */
export class Clock {
  constructor() {
    this.offset = 0;
    this.bestRoundTrip = Infinity;
    this.samples = 0;
  }

  /** A `now` seen in a message received at local time `receivedAt`, sent at `sentAt` when known. */
  sample(now, receivedAt, sentAt) {
    if (typeof now !== 'number') return;
    const roundTrip = sentAt != null ? receivedAt - sentAt : Infinity;
    const midpoint = sentAt != null ? (sentAt + receivedAt) / 2 : receivedAt;
    // Take a measured round trip over any unmeasured sample; otherwise the quickest wins.
    // Old samples age, so a clock that jumped (laptop sleep) is corrected within a few pings.
    if (this.samples === 0 || roundTrip <= this.bestRoundTrip) {
      this.offset = now - midpoint;
      this.bestRoundTrip = roundTrip;
    }
    this.samples += 1;
    if (this.bestRoundTrip !== Infinity) this.bestRoundTrip *= 1.1;
  }

  /** The server's time now, in ms since 1970. */
  now() {
    return Date.now() + this.offset;
  }
}

/**
 * Events: `status` (detail: 'connecting' | 'online' | 'reconnecting' | 'offline'),
 * `open` (a fresh socket is up: join or rejoin now), `message` (detail: an event or `synced`
 * message), `close`.
 */
export class Connection extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.clock = new Clock();
    this.socket = null;
    this.nextId = 1;
    this.pending = new Map();
    this.attempts = 0;
    this.timer = null;
    this.pingTimer = null;
    this.status = 'connecting';
    this.stopped = true;
    this.generation = 0;
    this.onOnline = () => { if (!this.stopped) this.connectNow(); };
    this.onOffline = () => { if (this.socket) this.socket.close(); this.setStatus('offline'); };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    this.socket?.close(1000);
  }

  get isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }

  connectNow() {
    clearTimeout(this.timer);
    this.attempts = 0;
    if (!this.socket) this.open();
  }

  open() {
    clearTimeout(this.timer);
    if (this.stopped || this.socket) return;
    if (navigator.onLine === false) {
      this.setStatus('offline');
      this.schedule();
      return;
    }
    this.setStatus(this.attempts === 0 && this.generation === 0 ? 'connecting' : 'reconnecting');
    let socket;
    try {
      socket = new WebSocket(this.url, SUBPROTOCOL);
    } catch {
      this.schedule();
      return;
    }
    this.socket = socket;
    const generation = ++this.generation;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.dispatchEvent(new CustomEvent('open', { detail: generation }));
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY);
      this.ping();
    });
    socket.binaryType = 'arraybuffer';
    // A compressed part of a catch-up is inflated asynchronously: messages are taken in the order
    // they came, each after the one before.
    let inbox = Promise.resolve();
    socket.addEventListener('message', (event) => {
      const data = event.data;
      inbox = inbox
        .then(() => (typeof data === 'string' ? data : inflate(data)))
        .then((text) => { if (this.socket === socket) this.receive(text); }, () => this.drop());
    });
    socket.addEventListener('close', () => this.closed(socket));
    socket.addEventListener('error', () => {});
  }

  closed(socket) {
    if (this.socket !== socket) return;
    this.socket = null;
    clearInterval(this.pingTimer);
    for (const [, request] of this.pending) {
      request.reject(new RequestError('connection.lost', 'The connection dropped before an answer.'));
    }
    this.pending.clear();
    this.dispatchEvent(new CustomEvent('close'));
    if (this.stopped) return;
    this.setStatus(navigator.onLine === false || this.attempts >= 4 ? 'offline' : 'reconnecting');
    this.schedule();
  }

  /** Next attempt after 0.5 s, 1 s, 2 s… up to 15 s, each with ±30 % jitter. */
  schedule() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** this.attempts);
    const delay = base * (0.7 + Math.random() * 0.6);
    this.attempts += 1;
    this.timer = setTimeout(() => this.open(), delay);
  }

  /** Call when the session accepted us (welcome): the next drop starts its backoff afresh. */
  markOnline() {
    this.attempts = 0;
    this.setStatus('online');
  }

  /** Forces a reconnect (used after a failed ping). */
  drop() {
    this.socket?.close(4000);
  }

  /**
   * Sends `{id, [kind]: body}`, with `once` when given (a command's key: sent again, it is not done
   * twice); resolves with the ack, rejects with a RequestError.
   */
  request(kind, body, once) {
    if (!this.isOpen) return Promise.reject(new RequestError('connection.closed', 'Not connected.'));
    const id = this.nextId++;
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt, kind });
      this.socket.send(JSON.stringify(once ? { id, once, [kind]: body } : { id, [kind]: body }));
    });
  }

  /** Sends one command object (`{addNote: {...}}`), under the key `once` when given. */
  command(command, once) {
    return this.request('command', command, once);
  }

  ping() {
    if (!this.isOpen) return;
    const socket = this.socket;
    const watchdog = setTimeout(() => { if (this.socket === socket) this.drop(); }, PING_TIMEOUT);
    this.request('ping', {}).then(() => clearTimeout(watchdog), () => clearTimeout(watchdog));
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const receivedAt = Date.now();
    if ('ack' in message || 'error' in message) {
      const id = message.ack ?? message.error;
      const request = this.pending.get(id);
      this.clock.sample(message.now, receivedAt, request?.kind === 'ping' ? request.sentAt : null);
      if (!request) return;
      this.pending.delete(id);
      if ('ack' in message) request.resolve(message);
      else request.reject(new RequestError(message.code, message.message, message.path));
      return;
    }
    if ('synced' in message) this.clock.sample(message.now, receivedAt, null);
    this.dispatchEvent(new CustomEvent('message', { detail: message }));
  }
}

/**
 * How this browser asks for its catch-ups (`compress` in join, moderate and rejoin): compressed
 * when it can inflate raw DEFLATE, else as text.
 */
export const CATCH_UP_COMPRESSION = (() => {
  try {
    return new DecompressionStream('deflate-raw') && 'deflate-raw';
  } catch {
    return undefined;
  }
})();

/** The text of a binary message: the raw DEFLATE of a catch-up's `{"events":[…]}`. */
function inflate(buffer) {
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

/** The websocket URL of the server that served this page. */
export function socketURL() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
