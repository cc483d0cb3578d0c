// Reports the exact decrypted payload of every push to the test, then shows it.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", event => event.waitUntil(self.clients.claim()));

self.addEventListener("push", event => {
  const text = event.data ? event.data.text() : "";
  event.waitUntil((async () => {
    await fetch("/received", {method: "POST", body: text});
    try {
      const payload = JSON.parse(text);
      await self.registration.showNotification(payload.title, {
        body: payload.body, icon: payload.icon, badge: payload.badge, tag: payload.tag, data: payload.data,
      });
    } catch (e) {
      await fetch("/log", {method: "POST", body: "sw: showNotification: " + e}).catch(() => {});
    }
  })());
});
