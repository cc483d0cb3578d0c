// The npm web-push library sending N pushes to the benchmark's sink, for comparison with the hub
// (bench/fanout/fanout.sh, run by bench/run.sh fanout). Best settings we know for it: VAPID details parsed once, a keep-alive agent,
// ~50 requests in flight. web-push does the work per message (aes128gcm encryption with a fresh
// ECDH key, and one ES256-signed VAPID JWT per message: it has no token cache) in
// generateRequestDetails(); sendNotification() itself only speaks https, so the request it
// describes is sent here with Node's http module over plain HTTP/1.1 keep-alive (web-push has
// no HTTP/2), to the same plain-text sink the hub sends to.
//
//   node send.js <sink origin> <count> <concurrency> <keys.json> [warm-up count] [measured rounds]
//
// With a warm-up count, that many pushes (to other fresh subscriptions) go first, unmeasured, as
// the hub gets warm-up rounds too; then the measured rounds of <count> each, and their median.
'use strict';
const http = require('http');
const https = require('https');
const fs = require('fs');
const crypto = require('crypto');
const webpush = require('web-push');

const [origin, countArg, concurrencyArg, keysFile, warmupArg] = process.argv.slice(2);
const warmup = parseInt(warmupArg || '0', 10);
const measuredRounds = parseInt(process.argv[7] || '1', 10);
const count = parseInt(countArg, 10);
const concurrency = parseInt(concurrencyArg, 10);
const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
const vapid = webpush.generateVAPIDKeys();
const options = {
  vapidDetails: { subject: 'mailto:ops@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey },
  TTL: 86400,
  urgency: 'high',
  timeout: 30000,
};
const tls = origin.startsWith('https:');
// The sink's certificate is self-signed: not verified (once per connection, keep-alive).
const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false })
  : new http.Agent({ keepAlive: true, maxSockets: concurrency });

async function send(sub) {
  if (tls) { // web-push's own request path
    const r = await webpush.sendNotification(sub, payload, { ...options, agent });
    return r.statusCode;
  }
  const d = webpush.generateRequestDetails(sub, payload, options);
  return new Promise((resolve, reject) => {
    const req = http.request(d.endpoint, { method: d.method, headers: d.headers, agent, timeout: d.timeout }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(d.body);
  });
}
// The same shape and size as the hub's payload.
const payload = JSON.stringify({
  title: 'Disk almost full on db-1', body: '/var at 93 %, growing 2 %/h', icon: '/static/icon-192.png',
  badge: '/static/badge-72.png', tag: null,
  data: { url: '/notifications/01a214c1-2fa4-73a1-bbd2-df81b1a64bdf', notification_id: '01a214c1-2fa4-73a1-bbd2-df81b1a64bdf', priority: 'high', source: 'monitoring' },
});
// Fresh subscriptions: an endpoint and auth secret each, p256dh from the key pool.
function subscriptions(n) {
  const subs = [];
  for (let i = 0; i < n; i++) {
    subs.push({ endpoint: `${origin}/push/${crypto.randomUUID()}`,
      keys: { p256dh: keys[i % keys.length].p256dh, auth: crypto.randomBytes(16).toString('base64url') } });
  }
  return subs;
}

// Sends to every subscription with `concurrency` requests in flight; bounded by two minutes.
async function round(subs) {
  let next = 0, ok = 0, failed = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + 120000;
  async function worker() {
    while (next < subs.length && Date.now() < deadline) {
      const sub = subs[next++];
      try {
        const status = await send(sub);
        if (status === 201) ok++; else failed++;
      } catch (e) {
        failed++;
        if (failed <= 3) console.error('web-push error:', e.statusCode || '', e.message);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, secs: Number(process.hrtime.bigint() - start) / 1e9 };
}

(async () => {
  if (warmup > 0) {
    const w = await round(subscriptions(warmup));
    console.log(`# web-push warm-up: ${w.ok} of ${warmup} in ${w.secs.toFixed(2)} s = ${(w.ok / w.secs).toFixed(0)} pushes/s`);
  }
  const rates = [];
  for (let r = 1; r <= measuredRounds; r++) {
    const { ok, failed, secs } = await round(subscriptions(count));
    rates.push(ok / secs);
    console.log(`# web-push${tls ? ' (https)' : ''} round ${r}: ${ok} pushes acknowledged of ${count} (${failed} failed) in ${secs.toFixed(2)} s = ${(ok / secs).toFixed(0)} pushes/s`);
  }
  rates.sort((a, b) => a - b);
  const mid = Math.floor(rates.length / 2);
  const median = rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
  console.log(`web-push${tls ? ' (https)' : ''}: median of ${rates.length} rounds of ${count} = ${median.toFixed(0)} pushes/s, concurrency ${concurrency}, web-push ${require('web-push/package.json').version}, node ${process.version}`);
  agent.destroy();
})();
