// Listener events of Stigg's Node server SDK 3.95.0: apiKeyInvalid (a rejected key),
// networkRequestFailed (an API error, an unreachable server) and the entitlementsUpdated payload
// pushed after a plan change. Assertions (and the same through our StiggServer):
// tests/interop/test_interop_listener_events.py.
import { Harness, nodeServerSdk, requireFromRepo, sleep, waitFor } from './harness.mjs';

const h = await Harness.start();
const { baseUri, edgeUri, serverKey, prefix, deadUri, eventTimeoutMs = 5000 } = h.input;

// Notes are named `<label>.<phase>.<event>`: which SDK instance, during which call.
let phase = 'init';
const listen = (stigg, label) => {
  stigg.addListener('apiKeyInvalid', () => h.note(`${label}.${phase}.apiKeyInvalid`, 'called'));
  stigg.addListener('networkRequestFailed', ({ errorMessage, errorCode, traceId }) =>
    h.note(`${label}.${phase}.networkRequestFailed`, { errorMessage, errorCode: errorCode ?? null, traceId: traceId ?? null }),
  );
  return stigg;
};

const rejected = listen(nodeServerSdk(h.input, 'server-not-a-key'), 'rejected');
await h.step('rejected.waitForInitialization', async () => {
  await rejected.waitForInitialization();
  return 'ready';
});
phase = 'call';
await h.step('rejected.unarchiveCustomer', () => rejected.unarchiveCustomer(`${prefix}-node-any`));

phase = 'init';
const valid = listen(nodeServerSdk(h.input), 'valid');
await valid.waitForInitialization();
phase = 'call';
await h.step('valid.unarchiveCustomer', () => valid.unarchiveCustomer(`${prefix}-node-never`));

const unreachable = listen(nodeServerSdk({ ...h.input, baseUri: deadUri, edgeUri: deadUri }), 'unreachable');
await h.step('unreachable.unarchiveCustomer', () => unreachable.unarchiveCustomer(`${prefix}-node-any`));

const { Stigg } = requireFromRepo('@stigg/node-server-sdk');
const live = Stigg.initialize({ apiKey: serverKey, baseUri, baseEdgeUri: edgeUri, logConfiguration: { logLevel: 'ERROR' } });
const pushed = [];
live.addListener('entitlementsUpdated', (data) => pushed.push(data));
await live.waitForInitialization();
await sleep(300);
const customerId = `${prefix}-node-pushed`;
await h.step('provisionCustomer', () =>
  live.provisionCustomer({
    customerId,
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: { planId: 'plan-stigg-starter' },
  }),
);
await h.step('provisionSubscription', () =>
  live.provisionSubscription({ customerId, planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' }),
);
await h.step('entitlementsUpdated', () =>
  waitFor(
    () =>
      pushed.find(
        (e) => e?.customerId === customerId && (e.entitlements ?? []).some((ent) => ent?.feature?.refId === 'feature-export-formats'),
      ),
    eventTimeoutMs,
  ).then((e) => e ?? Promise.reject(new Error('no entitlementsUpdated push after the plan change'))),
  eventTimeoutMs + 1000,
);
live.close();
await h.finish();
