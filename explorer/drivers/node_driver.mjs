// Runs one WASI command module on Node's V8 (`node:wasi`) the way `wlab run --dir . MOD`
// runs it on wlab: the current directory preopened as `.`, argv[0] the module's file
// name, `bench.start`/`bench.end` provided, and the benchmark protocol's event times
// (process.hrtime, CLOCK_MONOTONIC ns on Linux) appended to $BENCH_TIMES_FILE.
// Exit status: the program's. Used by `wlab bench` (embedded in the wlab binary).
//
// Run it as `node --no-liftoff --no-wasm-lazy-compilation node_driver.mjs MOD`: TurboFan
// only, and every function compiled inside `WebAssembly.compile`. Without the second
// flag V8 compiles each function on its first call, inside the measured region (bz2:
// "compile 2 ms, run 146 ms" instead of 244 ms and 14 ms), so the driver refuses to run
// without both. With WLAB_BENCH_COMPILE_ONLY=1 in the environment (`wlab bench
// --compile-only`) it stops after `WebAssembly.compile`: nothing is instantiated, so
// modules that are not WASI commands can be timed too; exit status 0.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import path from 'node:path';

for (const flag of ['--no-liftoff', '--no-wasm-lazy-compilation']) {
  if (!process.execArgv.includes(flag)) {
    process.stderr.write(`node_driver.mjs: run node with ${flag} (see the comment at the top)\n`);
    process.exit(2);
  }
}

const events = [];
const record = (name) => events.push([name, process.hrtime.bigint()]);

const file = process.argv[2];
const wasm = fs.readFileSync(file);
record('compile_start');
const module = await WebAssembly.compile(wasm);
record('compile_end');
const writeEvents = () => {
  const times = process.env.BENCH_TIMES_FILE;
  if (times) {
    fs.appendFileSync(times, events.map(([n, t]) => `${n} ${t}\n`).join(''));
  }
};
if (process.env.WLAB_BENCH_COMPILE_ONLY === '1') {
  writeEvents();
  process.exit(0);
}

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
writeEvents();
process.exitCode = code;
