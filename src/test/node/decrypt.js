// Decrypts a Web Push body (RFC 8291, aes128gcm) with http_ece, an implementation we did not
// write, so the Java tests can check our encryptor against it.
//
// stdin:  {"body": b64url, "uaPrivate": b64url 32-byte scalar or a JWK object, "authSecret": b64url}
// stdout: {"plaintext": b64url}
// Exit status 1 with the error on stderr when decryption fails.
'use strict';

const crypto = require('crypto');
const ece = require('http_ece');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function privateScalar(uaPrivate) {
  if (typeof uaPrivate === 'string') {
    return Buffer.from(uaPrivate, 'base64url');
  }
  if (uaPrivate && uaPrivate.kty === 'EC' && uaPrivate.crv === 'P-256' && uaPrivate.d) {
    return Buffer.from(uaPrivate.d, 'base64url');
  }
  throw new Error('uaPrivate must be a base64url scalar or a P-256 JWK');
}

readStdin().then((text) => {
  const input = JSON.parse(text);
  const receiver = crypto.createECDH('prime256v1');
  receiver.setPrivateKey(privateScalar(input.uaPrivate));
  const plaintext = ece.decrypt(Buffer.from(input.body, 'base64url'), {
    version: 'aes128gcm',
    privateKey: receiver,
    authSecret: input.authSecret,
  });
  process.stdout.write(JSON.stringify({ plaintext: plaintext.toString('base64url') }) + '\n');
}).catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
