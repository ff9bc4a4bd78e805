// initializeSuccessfully / initializeFailed listeners of Stigg's Node server SDK 3.95.0, with a
// valid and a rejected server key. Assertions: tests/interop/test_interop_initialize_events.py.
import { Harness, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, serverKey } = h.input;
const { Stigg } = requireFromRepo('@stigg/node-server-sdk');

const start = (apiKey, label) => {
  const stigg = Stigg.initialize({
    apiKey,
    baseUri,
    baseEdgeUri: edgeUri,
    realtimeUpdatesEnabled: false,
    logConfiguration: { logLevel: 'ERROR' },
  });
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
