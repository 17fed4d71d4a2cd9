// `npm start`: runs the analysis on the embedded example workspace (examples/) and prints the
// diagnostics and the traffic paths. The example has deliberate mistakes, so `check` exiting 1 is
// expected here; anything else (2: bad usage, a crash) fails the start.
import { spawnSync } from 'node:child_process';

const run = (args) => spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' }).status;

console.log('$ kube-traffic-lens check examples/');
const check = run(['check', 'examples']);
if (check !== 0 && check !== 1) process.exit(check ?? 2);
console.log('\n$ kube-traffic-lens graph examples/');
const graph = run(['graph', 'examples']);
process.exit(graph ?? 2);
