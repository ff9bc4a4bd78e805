// Shared plumbing for the interop scenarios: read the JSON input pytest wrote, run named steps
// against Stigg's real SDKs with a per-step time limit, and write every step's outcome as JSON.
//
// Usage from a scenario:  const h = await Harness.start(); await h.step('name', () => ...); await h.finish();
// Input file (argv[2]): {"output": "<path>", "stepTimeoutMs": n, ...scenario parameters}.
// Note for scenarios: never pass `logConfiguration.logger` to either SDK. Both deep-merge the
// configuration over defaults whose logger *is* the global `console` (lodash merge), so a custom
// logger overwrites console.log/console.error process-wide. Pass only `logLevel`.
//
// Output file: {"steps": {"<name>": {"ok": true, "value": ...} | {"ok": false, "error": "..."}}, "events": {...}}.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..', '..');
/** `require` resolving from the repository root, where node_modules/ holds the pinned SDKs. */
export const requireFromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));

/** Stigg's Node server SDK against the emulator, live updates off; `apiKey` defaults to the run's key
 * and `options` override the SDK options (e.g. `{ realtimeUpdatesEnabled: true }`). */
export function nodeServerSdk({ baseUri, edgeUri, serverKey }, apiKey = serverKey, options = {}) {
  const { Stigg } = requireFromRepo('@stigg/node-server-sdk');
  return Stigg.initialize({
    apiKey,
    baseUri,
    baseEdgeUri: edgeUri,
    realtimeUpdatesEnabled: false,
    logConfiguration: { logLevel: 'ERROR' },
    ...options,
  });
}

/** JSON-safe copy: Dates become ISO strings, Maps become objects, functions and cycles are dropped. */
export function toJson(value, seen = new WeakSet()) {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Map) {
    const out = {};
    for (const [k, v] of value.entries()) out[String(k)] = toJson(v, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toJson(v, seen)));
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const converted = toJson(v, seen);
    if (converted !== undefined) out[k] = converted;
  }
  return out;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolve with `fn()`'s value, or reject after `ms` so one missing emulator feature cannot hang a run. */
export function withTimeout(promiseOrValue, ms, label) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promiseOrValue), limit]).finally(() => clearTimeout(timer));
}

/** Poll `check()` until it returns a truthy value or `ms` pass; returns the last value. */
export async function waitFor(check, ms, intervalMs = 50) {
  const deadline = Date.now() + ms;
  let last = await check();
  while (!last && Date.now() < deadline) {
    await sleep(intervalMs);
    last = await check();
  }
  return last;
}

export class Harness {
  constructor(input) {
    this.input = input;
    this.steps = {};
    this.events = {};
    this.stepTimeoutMs = input.stepTimeoutMs ?? 10000;
  }

  static async start() {
    const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
    const harness = new Harness(input);
    // A stray rejection inside an SDK must not kill the run before the results are written.
    process.on('unhandledRejection', (err) => harness.note('unhandledRejection', String(err?.message ?? err)));
    return harness;
  }

  /** Run one named step; its value (or error message) is recorded and returned (undefined on error). */
  async step(name, fn, timeoutMs = this.stepTimeoutMs) {
    if (name in this.steps) throw new Error(`duplicate step name ${name}`);
    try {
      const value = await withTimeout(fn(), timeoutMs, name);
      this.steps[name] = { ok: true, value: toJson(value) ?? null };
      return value;
    } catch (err) {
      const message = err?.message ?? String(err);
      const extra = err?.errorCode ? ` [errorCode=${err.errorCode}]` : '';
      this.steps[name] = { ok: false, error: `${message}${extra}` };
      return undefined;
    }
  }

  /** The step `name` that waits for an SDK client's initialization (value 'ready'). */
  ready(sdk, name = 'waitForInitialization') {
    return this.step(name, async () => {
      await sdk.waitForInitialization();
      return 'ready';
    });
  }

  /** Record something observed outside a step (listener payloads, stray errors). */
  note(kind, payload) {
    (this.events[kind] ??= []).push(toJson(payload) ?? null);
  }

  async finish() {
    writeFileSync(this.input.output, JSON.stringify({ steps: this.steps, events: this.events }));
    // SDK sockets and timers would keep the process alive; the results are written, so leave now.
    process.exit(0);
  }
}
