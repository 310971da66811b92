// npm links `bin` entries before `prepare` builds them, so the compiled CLI would keep tsc's
// 0644 mode and `npx payharness` would fail with "Permission denied" on a fresh clone.
const fs = require('node:fs');
const path = require('node:path');

const pkg = require('../package.json');
for (const file of Object.values(pkg.bin)) fs.chmodSync(path.join(__dirname, '..', file), 0o755);
