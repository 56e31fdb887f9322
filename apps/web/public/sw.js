/*
 * Ringback's service worker (scope /). Registered by src/pwa/service-worker.tsx in production builds.
 *
 * What it does, and what it deliberately leaves alone:
 * - Pages people want on a train (Calls, Contacts, a person's call history): network first, so an
 *   online visit always gets the current HTML (no stale page after a deploy); the last good copy is
 *   kept and served only when the network fails. The page then shows its own "You're offline" state
 *   and fills in by itself when the connection returns (src/pwa).
 * - /_next/static/**: cache first. Those files are content-hashed and never change under a name.
 * - Everything else, and in particular /api/** (tRPC, media, uploads, Library photos, next-auth), goes
 *   straight to the network: respondWith is never called for it, so nothing personal, live or large is
 *   ever stored here, and the browser handles it exactly as without a service worker.
 * - Other navigations that fail offline get a small page saying so, with links to what does work.
 * - A cached page holds the signed-in person's name: signing out (POST /api/auth/signout), the
 *   sign-in and sign-up pages ("ringback:forget"), or a page that answers with a redirect (the session
 *   is gone) empty the page cache. A fetch that was already under way then is not stored (`generation`),
 *   and a copy older than MAX_OFFLINE_AGE_MS is not served: a session ended from another device leaves
 *   at most that long a window offline.
 *
 * Web Push (push, notificationclick) lives in /sw-push.js, kept by the push feature.
 */
importScripts("/sw-push.js");

const PAGES = "ringback-pages-v1";
const STATIC = "ringback-static-v1";
const KNOWN_CACHES = [PAGES, STATIC];

/** Pages fetched ahead of time (once signed in) so they open offline without having been visited. */
const WARM_PAGES = ["/calls", "/contacts"];
/** A warmed page is fetched again at most this often (the page asks on each load). */
const WARM_EVERY_MS = 10 * 60 * 1000;
/** The static cache is trimmed to what cached pages reference once it holds more than this. */
const STATIC_LIMIT = 400;
/** An offline copy older than this is not shown (it may belong to a session that has since ended). */
const MAX_OFFLINE_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Bumped whenever this device's pages are forgotten. A page fetch that started before that (a
 * navigation or a warm-up still under way at sign-out) must not put the old person's page back.
 */
let generation = 0;

function forgetPages() {
  generation += 1;
  return caches.delete(PAGES);
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const OFFLINE_PAGE = new RegExp(`^/(calls|contacts|calls/person/${UUID})/?$`, "i");
const STATIC_URL = /\/_next\/static\/[^"'\\\s()<>]+/g;

self.addEventListener("install", () => {
  // Nothing to precache that could go stale: take over at once.
  void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("ringback-") && !KNOWN_CACHES.includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.method === "POST" && url.pathname === "/api/auth/signout") {
    // Not answered here (the sign-out goes to the network as usual); just forget this person's pages.
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    event.respondWith(OFFLINE_PAGE.test(url.pathname) ? pageNetworkFirst(event) : navigateOrOfflineNotice(request));
    return;
  }
  if (url.pathname.startsWith("/_next/static/")) {
    event.respondWith(staticCacheFirst(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "ringback:warm") event.waitUntil(warmPages());
  if (event.data && event.data.type === "ringback:forget") event.waitUntil(forgetPages());
});

function pageKey(pathname) {
  return new Request(new URL(pathname.replace(/\/$/, "") || "/", self.location.origin).href);
}

async function pageNetworkFirst(event) {
  const request = event.request;
  const key = pageKey(new URL(request.url).pathname);
  const startedIn = generation;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await caches.match(key, { cacheName: PAGES });
    if (cached && ageOf(cached) < MAX_OFFLINE_AGE_MS) return cached;
    return offlineNotice();
  }
  if (isCacheablePage(response)) {
    event.waitUntil(keepPage(key, response.clone(), startedIn));
  } else if (response.type === "opaqueredirect" || response.redirected || response.status === 401) {
    // signed out (or the session ran out): whatever is cached belongs to someone no longer here
    event.waitUntil(forgetPages());
  }
  return response;
}

async function navigateOrOfflineNotice(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlineNotice();
  }
}

function isCacheablePage(response) {
  return (
    response.ok &&
    response.type === "basic" &&
    !response.redirected &&
    (response.headers.get("content-type") || "").includes("text/html")
  );
}

/** When the copy was fetched (its Date header), in ms ago; Infinity when unknown. */
function ageOf(response) {
  const date = Date.parse(response.headers.get("date") || "");
  return Number.isNaN(date) ? Infinity : Date.now() - date;
}

async function keepPage(key, response, startedIn) {
  const html = await response.clone().text();
  // forgotten while this page was on its way (signed out mid-fetch): it is not this device's any more
  if (startedIn !== generation) return;
  const cache = await caches.open(PAGES);
  if (startedIn !== generation) return;
  await cache.put(key, response);
  // The page's scripts and styles, so it can start offline even if this tab never loaded them
  // (the first page load happens before the worker controls the tab).
  await keepAssets(html.match(STATIC_URL) || []);
}

async function keepAssets(paths) {
  const cache = await caches.open(STATIC);
  const unique = [...new Set(paths)];
  for (let i = 0; i < unique.length; i += 6) {
    await Promise.all(
      unique.slice(i, i + 6).map(async (path) => {
        const url = new URL(path, self.location.origin).href;
        if (await cache.match(url)) return;
        try {
          const response = await fetch(url);
          if (response.ok && response.type === "basic") await cache.put(url, response);
        } catch (error) {
          // offline again or a file from an older build: the page will fetch what it needs itself
        }
      }),
    );
  }
}

async function staticCacheFirst(request) {
  const cache = await caches.open(STATIC);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic" && !request.headers.has("range")) {
    await cache.put(request, response.clone()).catch(() => {});
  }
  return response;
}

async function warmPages() {
  const startedIn = generation;
  const cache = await caches.open(PAGES);
  for (const path of WARM_PAGES) {
    const key = pageKey(path);
    const cached = await cache.match(key);
    if (cached && ageOf(cached) < WARM_EVERY_MS) continue;
    let response;
    try {
      response = await fetch(key, { credentials: "same-origin", redirect: "manual" });
    } catch (error) {
      return;
    }
    if (!isCacheablePage(response)) {
      if (response.type === "opaqueredirect" || response.status === 401) await forgetPages();
      return;
    }
    await keepPage(key, response, startedIn);
  }
  await trimStatic();
}

/** Drops static files no cached page mentions, once there are many (each deploy brings new names). */
async function trimStatic() {
  const cache = await caches.open(STATIC);
  const keys = await cache.keys();
  if (keys.length <= STATIC_LIMIT) return;
  const pages = await caches.open(PAGES);
  const wanted = new Set();
  for (const page of await pages.keys()) {
    const response = await pages.match(page);
    const html = response ? await response.text() : "";
    for (const path of html.match(STATIC_URL) || []) wanted.add(new URL(path, self.location.origin).href);
  }
  for (const key of keys) if (!wanted.has(key.url)) await cache.delete(key);
}

function offlineNotice() {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>You’re offline · Ringback</title>
<style>
  :root { color-scheme: light dark; font-family: ui-sans-serif, system-ui, sans-serif; background: #f6f7f9; color: #1f2126; }
  @media (prefers-color-scheme: dark) { :root { background: #16171a; color: #f1f2f4; } .card { background: #22242a !important; } p { color: #a9adb6 !important; } }
  body { margin: 0; min-height: 100dvh; display: flex; align-items: center; justify-content: center; padding: 24px; box-sizing: border-box; }
  .card { background: #fff; border-radius: 20px; padding: 32px 28px; max-width: 360px; text-align: center; box-shadow: 0 1px 2px rgb(0 0 0 / 6%); }
  h1 { font-size: 20px; margin: 0 0 8px; }
  p { margin: 0 0 20px; color: #5d626d; font-size: 15px; line-height: 1.45; }
  nav { display: flex; gap: 8px; justify-content: center; flex-wrap: wrap; }
  a { display: inline-block; padding: 10px 16px; border-radius: 12px; background: #178a45; color: #fff; text-decoration: none; font-weight: 600; font-size: 15px; }
  a:focus-visible { outline: 3px solid #178a4580; outline-offset: 2px; }
</style></head>
<body><main class="card">
  <h1>You’re offline</h1>
  <p>This page needs a connection. Your calls and contacts open without one; everything else comes back when you’re online.</p>
  <nav aria-label="Available offline"><a href="/calls">Calls</a><a href="/contacts">Contacts</a></nav>
</main>
<script>addEventListener("online", () => location.reload());</script>
</body></html>`;
  return new Response(html, { status: 503, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
