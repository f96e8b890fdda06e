// Runs one WASI command module on Node's V8 (`node:wasi`) the way `wlab run --dir . MOD`
// runs it on wlab: the current directory preopened as `.`, argv[0] the module's file
// name, `bench.start`/`bench.end` provided, and the benchmark protocol's event times
// (process.hrtime, CLOCK_MONOTONIC ns on Linux) appended to $BENCH_TIMES_FILE.
// Exit status: the program's. Used by `wlab bench` (embedded in the wlab binary);
// run it with `node --no-liftoff` so the module is compiled by TurboFan up front.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import path from 'node:path';

const events = [];
const record = (name) => events.push([name, process.hrtime.bigint()]);

const file = process.argv[2];
const wasm = fs.readFileSync(file);
record('compile_start');
const module = await WebAssembly.compile(wasm);
record('compile_end');

record('instantiate_start');
const wasi = new WASI({
  version: 'preview1',
  args: [path.basename(file), ...process.argv.slice(3)],
  env: {},
  preopens: { '.': '.' },
  returnOnExit: true,
});
const instance = await WebAssembly.instantiate(module, {
  wasi_snapshot_preview1: wasi.wasiImport,
  bench: { start: () => record('bench_start'), end: () => record('bench_end') },
});
record('instantiate_end');

const code = wasi.start(instance);
const times = process.env.BENCH_TIMES_FILE;
if (times) {
  fs.appendFileSync(times, events.map(([n, t]) => `${n} ${t}\n`).join(''));
}
process.exitCode = code;
