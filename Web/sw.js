// The offline app shell: the pages and the files they load (scripts, styles, translations, icons)
// are kept in a cache, so a reload without a network shows the page and the changes waiting in
// its outbox instead of the browser's error page. Network first: online, people always get the
// current files (the HTTP cache revalidates them by ETag); the cache answers only when the network
// does not. Nothing else is kept: no export, no health or metrics answer, no session data.

const CACHE = 'atelier-shell-1';
const PAGES = new Set(['/', '/screen', '/accessibility']);
const FILES = /\.(?:js|css|json|svg|png|woff2?)$/;

/** The cache key of a shell request (pages without their query: `/?code=…` is `/`), or null. */
function shellKey(request) {
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return null;
  if (PAGES.has(url.pathname)) return url.origin + url.pathname;
  return FILES.test(url.pathname) && url.pathname !== '/sw.js' ? url.origin + url.pathname : null;
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(Promise.all([
  self.clients.claim(),
  caches.keys().then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))])));

// The page lists what it loaded before this worker controlled it: the first visit is kept too.
self.addEventListener('message', (event) => {
  const keys = (event.data?.keep || []).map((url) => shellKey(new Request(url))).filter(Boolean);
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(Array.from(new Set(keys)))));
});

self.addEventListener('fetch', (event) => {
  const key = shellKey(event.request);
  if (key) event.respondWith(networkFirst(event.request, key));
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}
