// Sends one message with the npm `gotify` client, as a Node.js app that uses it would, and prints
// what the client returns (it parses our answer as Gotify's message JSON). The message comes as
// JSON on stdin: {"server", "app", "title", "message", "priority", "extras"}.
const { gotify } = require('gotify');

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const m = JSON.parse(input);
  try {
    const answer = await gotify(m);
    process.stdout.write(JSON.stringify(answer));
  } catch (e) {
    process.stderr.write(`${e.name}: ${e.message} ${e.response ? e.response.body : ''}\n`);
    process.exit(1);
  }
});
