// getSubscriptions (paged), transferSubscription, transferSubscriptionToResource and
// delegateSubscriptionToCustomer with Stigg's Node server SDK 3.95.0. Assertions (and the same
// calls through our StiggServer): tests/interop/test_interop_subscriptions.py.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const stigg = nodeServerSdk(h.input);
await stigg.waitForInitialization();

const owner = `${prefix}-node-owner`;
const user = `${prefix}-node-user`;
for (const customerId of [owner, user]) {
  await h.step(`provisionCustomer.${customerId}`, () =>
    stigg.provisionCustomer({ customerId, subscriptionParams: null }),
  );
}
const ids = [];
for (const n of [0, 1, 2]) {
  const result = await h.step(`provisionSubscription.${n}`, () =>
    stigg.provisionSubscription({ customerId: owner, planId: 'plan-workspace-free', resourceId: `ws-${n}` }),
  );
  ids.push(result.subscription.id);
}
const first = await h.step('getSubscriptions.first', () =>
  stigg.getSubscriptions({ customerId: owner, pagination: { limit: 2 } }),
);
await h.step('getSubscriptions.next', () =>
  stigg.getSubscriptions({ customerId: owner, pagination: { limit: 2, startingAfter: first.pageInfo.endCursor } }),
);
await h.step('getSubscriptions.filtered', () =>
  stigg.getSubscriptions({ customerId: owner, resourceId: ['ws-0', 'ws-2'], status: 'ACTIVE', productId: 'product-workspaces' }),
);
await h.step('transferSubscription', () =>
  stigg.transferSubscription({ customerId: owner, sourceResourceId: 'ws-0', destinationResourceId: 'ws-moved' }),
);
await h.step('transferSubscriptionToResource', () =>
  stigg.transferSubscriptionToResource({ subscriptionId: ids[1], destinationResourceId: 'ws-final' }),
);
await h.step('transferSubscriptionToResource.taken', () =>
  stigg.transferSubscriptionToResource({ subscriptionId: ids[2], destinationResourceId: 'ws-final' }),
);
await h.step('delegateSubscriptionToCustomer', () =>
  stigg.delegateSubscriptionToCustomer({ subscriptionId: ids[2], destinationCustomerId: user }),
);
await h.step('getSubscriptions.delegated', () => stigg.getSubscriptions({ customerId: user }));
await h.finish();
