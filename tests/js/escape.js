// Reads JSON cases on stdin and prints, for each, what @actions/core itself writes: the workflow
// command on stdout, the GITHUB_OUTPUT file's text, or the value getInput reads (the reference for
// deploy-check's own helpers).
// Case: {"level": "error"|"warning"|"notice"|"add-mask"|"group"|"endgroup", "message": "...", "properties": {...}}
//     | {"level": "output", "name": "...", "value": "..."}   -> the text setOutput appends to GITHUB_OUTPUT
//     | {"level": "input", "name": "...", "env": {...}}       -> getInput(name) with process.env = env
const fs = require('fs');
const os = require('os');
const path = require('path');
const core = require('@actions/core');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  const write = process.stdout.write.bind(process.stdout);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-'));
  for (const c of cases) {
    if (c.level === 'output') {
      const file = path.join(dir, 'output');
      fs.writeFileSync(file, '');
      process.env.GITHUB_OUTPUT = file;
      core.setOutput(c.name, c.value);
      out.push(fs.readFileSync(file, 'utf8'));
      continue;
    }
    if (c.level === 'input') {
      const saved = { ...process.env };
      Object.assign(process.env, c.env);
      out.push(core.getInput(c.name));
      for (const key of Object.keys(c.env)) delete process.env[key];
      Object.assign(process.env, saved);
      continue;
    }
    let captured = '';
    process.stdout.write = (s) => { captured += s; return true; };
    try {
      if (c.level === 'add-mask') core.setSecret(c.message);
      else if (c.level === 'group') core.startGroup(c.message);
      else if (c.level === 'endgroup') core.endGroup();
      else core[c.level](c.message, c.properties || {});
    } finally {
      process.stdout.write = write;
    }
    out.push(captured.replace(/\n$/, ''));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  write(JSON.stringify(out));
});
