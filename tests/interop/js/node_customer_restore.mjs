// unarchiveCustomer and detachCustomerPaymentMethod with Stigg's Node server SDK 3.95.0.
// Assertions (and the same calls through our StiggServer): tests/interop/test_interop_customer_restore.py.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const stigg = nodeServerSdk(h.input);
await stigg.waitForInitialization();

const archived = `${prefix}-node-restore`;
const paying = `${prefix}-node-detach`;
await h.step('provisionCustomer.archived', () =>
  stigg.provisionCustomer({ customerId: archived, name: 'Ada', email: 'ada@example.com', subscriptionParams: null }),
);
await h.step('archiveCustomer', () => stigg.archiveCustomer(archived));
await h.step('unarchiveCustomer', () => stigg.unarchiveCustomer(archived));
await h.step('getCustomer.unarchived', () => stigg.getCustomer(archived));
await h.step('unarchiveCustomer.unknown', () => stigg.unarchiveCustomer(`${prefix}-node-never`));

await h.step('provisionCustomer.paying', () =>
  stigg.provisionCustomer({
    customerId: paying,
    name: 'Grace',
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: null,
  }),
);
await h.step('getCustomer.withPaymentMethod', () => stigg.getCustomer(paying));
await h.step('detachCustomerPaymentMethod', () => stigg.detachCustomerPaymentMethod(paying));
await h.step('getCustomer.detached', () => stigg.getCustomer(paying));
await h.finish();
