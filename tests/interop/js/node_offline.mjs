// Offline mode of Stigg's Node server SDK 3.95.0 (seed guide "Offline mode"): any key is accepted,
// entitlement getters answer from `entitlementsFallback`, reportUsage/reportEvent are no-ops, and
// nothing touches the network (baseUri points at a closed port). Assertions: test_node_sdk.py.
import { Harness, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { Stigg } = requireFromRepo('@stigg/node-server-sdk');

const stigg = Stigg.initialize({
  apiKey: 'local',
  offline: true,
  baseUri: h.input.deadUri,
  baseEdgeUri: h.input.deadUri,
  entitlementsFallback: {
    'feature-number-of-seats': { hasAccess: true },
    'feature-templates': { hasAccess: true, usageLimit: 10 },
  },
  logConfiguration: { logLevel: 'ERROR' },
});
await h.ready(stigg);
await h.step('getBooleanEntitlement', () =>
  stigg.getBooleanEntitlement({ customerId: 'customer-test-id', featureId: 'feature-number-of-seats' }),
);
await h.step('getMeteredEntitlement', () =>
  stigg.getMeteredEntitlement({ customerId: 'customer-test-id', featureId: 'feature-templates' }),
);
await h.step('getNumericEntitlement.unknown', () =>
  stigg.getNumericEntitlement({ customerId: 'customer-test-id', featureId: 'feature-demo-01' }),
);
await h.step('getEntitlements', () => stigg.getEntitlements('customer-test-id'));
await h.step('reportUsage', () =>
  stigg.reportUsage({ customerId: 'customer-test-id', featureId: 'feature-templates', value: 1 }),
);
await h.step('reportEvent', async () => {
  await stigg.reportEvent({ customerId: 'customer-test-id', eventName: 'user_login', idempotencyKey: 'offline-1' });
  return 'done';
});
await h.finish();
