// initializeSuccessfully / initializeFailed listeners of Stigg's Node server SDK 3.95.0, with a
// valid and a rejected server key. Assertions: tests/interop/test_interop_initialize_events.py.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { serverKey } = h.input;

const start = (apiKey, label) => {
  const stigg = nodeServerSdk(h.input, apiKey);
  stigg.addListener('initializeSuccessfully', () => h.note(`${label}.initializeSuccessfully`, 'called'));
  stigg.addListener('initializeFailed', (err) => h.note(`${label}.initializeFailed`, String(err?.message ?? err)));
  return stigg;
};
await h.step('waitForInitialization.valid', async () => {
  await start(serverKey, 'valid').waitForInitialization();
  return 'ready';
});
await h.step('waitForInitialization.invalid', async () => {
  await start('server-not-a-key', 'invalid').waitForInitialization();
  return 'ready';
});
await h.finish();
