import * as fs from 'node:fs'; import * as os from 'node:os'; import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateWorkspace } from './generate.mjs';
const require = createRequire(import.meta.url);
const { analyze, DEFAULT_CONFIG } = require('../out/server/src/engine/index.js');
const { parseYaml } = require('../out/server/src/engine/syntax.js');
const { readWorkspace } = require('../out/server/src/node/readWorkspace.js');
const dir = '/tmp/ktl-ws20k';
if (!fs.existsSync(dir)) { fs.mkdirSync(dir); generateWorkspace(dir, 20000, {}); }
const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
const parsed = new Map(files.map((f) => [f.path, parseYaml(f.text)]));
const { Session } = await import('node:inspector/promises');
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
const s = performance.now();
analyze({ files, config: DEFAULT_CONFIG, parse: (f) => parsed.get(f.path) });
console.log('analyze w/o parse', performance.now() - s);
const { profile } = await session.post('Profiler.stop');
fs.mkdirSync('/tmp/cpuprof', {recursive:true}); fs.writeFileSync('/tmp/cpuprof/zz.cpuprofile', JSON.stringify(profile));
