// importCustomer, importCustomerBulk, importSubscriptionBulk and getCustomerStatistics with Stigg's
// Node server SDK 3.95.0. Assertions (and the same calls through our StiggServer):
// tests/interop/test_interop_imports.py.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const stigg = nodeServerSdk(h.input);
await stigg.waitForInitialization();

const one = `${prefix}-node-import`;
const [first, second] = [`${prefix}-node-bulk-1`, `${prefix}-node-bulk-2`];
await h.step('importCustomer', () =>
  stigg.importCustomer({ customerId: one, name: 'Ada', email: 'ada@example.com', billingId: 'cus_1', metadata: { source: 'stripe' } }),
);
await h.step('importCustomer.again', () => stigg.importCustomer({ customerId: one }));
await h.step('importCustomerBulk', () =>
  stigg.importCustomerBulk({ customers: [{ customerId: first, name: 'First' }, { customerId: second }] }),
);
await h.step('getCustomer.bulk', () => stigg.getCustomer(second));
await h.step('importSubscriptionBulk', () =>
  stigg.importSubscriptionBulk({
    subscriptions: [
      { customerId: first, planId: 'plan-stigg-team', subscriptionId: `${first}-team`, billingPeriod: 'MONTHLY', unitQuantity: 3, startDate: new Date('2020-01-01T00:00:00Z') },
      { customerId: first, planId: 'plan-workspace-free' },
    ],
  }),
);
await h.step('getCustomerStatistics', () => stigg.getCustomerStatistics(first));
await h.step('getCustomerStatistics.unknown', () => stigg.getCustomerStatistics(`${prefix}-node-never`));
await h.finish();
