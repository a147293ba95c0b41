// Reads JSON cases on stdin and prints, for each, the workflow command that
// @actions/core itself writes to stdout (the reference for our escaping).
// Case: {"level": "error"|"warning"|"notice"|"add-mask"|"group", "message": "...", "properties": {...}}
const core = require('@actions/core');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  const write = process.stdout.write.bind(process.stdout);
  for (const c of cases) {
    let captured = '';
    process.stdout.write = (s) => { captured += s; return true; };
    try {
      if (c.level === 'add-mask') core.setSecret(c.message);
      else if (c.level === 'group') core.startGroup(c.message);
      else core[c.level](c.message, c.properties || {});
    } finally {
      process.stdout.write = write;
    }
    out.push(captured.replace(/\n$/, ''));
  }
  write(JSON.stringify(out));
});
