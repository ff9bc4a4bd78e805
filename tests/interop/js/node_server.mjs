// Stigg's published Node server SDK (@stigg/node-server-sdk 3.95.0) against the emulator: every
// management and entitlement method of the Node seed guide, in one process. Real-time updates are
// off here (so every entitlement read goes to the emulator's edge port); node_realtime.mjs covers
// the WebSocket. Python asserts on the recorded steps (tests/interop/test_node_sdk.py).
import { Harness, nodeServerSdk, requireFromRepo, waitFor } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const {
  UsageUpdateBehavior,
  SubscriptionScheduleStatus,
  BillingPeriod,
} = requireFromRepo('@stigg/node-server-sdk');

const stigg = nodeServerSdk(h.input);

const ids = {
  seed: `${prefix}-seed`, // provisioned exactly like the seed guide (paid plan, billing info, coupon)
  nosub: `${prefix}-nosub`, // subscriptionParams: null, later archived
  free: `${prefix}-free`, // free provision, then paid provision without a payment method
  paid: `${prefix}-paid`, // paid plan with a payment method: updates, estimates, schedules
  ws: `${prefix}-ws`, // multi-subscription product with resources
  usage: `${prefix}-usage`, // reportUsage and promotional entitlements
  unknown: `${prefix}-never-provisioned`,
};
const need = (value, what) => {
  if (value === undefined || value === null) throw new Error(`prerequisite missing: ${what}`);
  return value;
};
const seedBillingInfo = {
  language: 'en',
  timezone: 'America/New_York',
  customerName: 'The name of the customer for the billing provider',
  billingAddress: {
    country: 'US', city: 'New York', state: 'NY', addressLine1: '123 Main Street',
    addressLine2: 'Apt. 1', phoneNumber: '+1 212-499-5321', postalCode: '10164',
  },
  shippingAddress: {
    country: 'US', city: 'New York', state: 'NY', addressLine1: '123 Main Street',
    addressLine2: 'Apt. 1', phoneNumber: '+1 212-499-5321', postalCode: '10164',
  },
  taxIds: [
    { type: 'au_abn', value: '12345678912' },
    { type: 'us_ein', value: '12-3456789' },
  ],
  invoiceCustomFields: { lorem: 'ipsum', acme: 'co' },
  paymentMethodId: 'pm_1LcBMDAnAO1PFouUusJSmaPu',
  currency: 'usd',
  metadata: { hello: 'world' },
};

await h.ready(stigg);

// --- customers -----------------------------------------------------------------------------------
const seeded = await h.step('provisionCustomer.seed', () =>
  stigg.provisionCustomer({
    customerId: ids.seed,
    name: 'My very first customer',
    email: 'first-customer@example.com',
    couponId: 'coupon-stigg30',
    subscriptionParams: {
      planId: 'plan-stigg-pro',
      billingPeriod: 'MONTHLY',
      addons: [{ addonId: 'addon-extra-requests', quantity: 1 }],
      promotionCode: 'STIGG30',
      billingCountryCode: 'DK',
      metadata: { key: 'value' },
      billingInformation: { taxPercentage: 17 },
    },
    billingInfo: seedBillingInfo,
    metadata: { key: 'value' },
  }),
);
await h.step('provisionCustomer.nullSubscription', () =>
  stigg.provisionCustomer({ customerId: ids.nosub, name: 'No subscription', subscriptionParams: null }),
);
await h.step('getActiveSubscriptionsList.nullSubscription', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.nosub }),
);
await h.step('getBooleanEntitlement.nullSubscription', () =>
  stigg.getBooleanEntitlement({ customerId: ids.nosub, featureId: 'feature-demo-02' }),
);
await h.step('updateCustomer', () =>
  stigg.updateCustomer({
    customerId: ids.seed,
    email: 'updated-customer@example.com',
    couponId: 'coupon-five-off',
    billingInfo: seedBillingInfo,
    metadata: { key: 'updated' },
  }),
);
await h.step('getCustomer.seed', () => stigg.getCustomer(ids.seed));
await h.step('getCustomer.demo', () => stigg.getCustomer('customer-demo-01'));
await h.step('getCustomer.unknown', () => stigg.getCustomer(ids.unknown));

// --- subscriptions -------------------------------------------------------------------------------
await h.step('provisionCustomer.free', () =>
  stigg.provisionCustomer({ customerId: ids.free, email: 'free@example.com', subscriptionParams: null }),
);
await h.step('provisionSubscription.free', () =>
  stigg.provisionSubscription({ customerId: ids.free, planId: 'plan-stigg-starter' }),
);
await h.step('provisionSubscription.paidWithoutPaymentMethod', () =>
  stigg.provisionSubscription({
    customerId: ids.free,
    planId: 'plan-stigg-pro',
    billingPeriod: 'MONTHLY',
    checkoutOptions: {
      successUrl: 'https://example.com/success',
      cancelUrl: 'https://example.com/cancel',
      allowPromoCodes: true,
      collectBillingAddress: true,
      referenceId: 'interop-checkout',
      allowTaxIdCollection: true,
      collectPhoneNumber: true,
    },
    metadata: { key: 'value' },
  }),
);
await h.step('getActiveSubscriptionsList.afterPaymentRequired', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.free }),
);

const seedSubscriptionId = seeded?.subscription?.id;
await h.step('getActiveSubscriptionsList.single', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.seed }),
);
await h.step('getSubscription', () =>
  stigg.getSubscription({ subscriptionId: need(seedSubscriptionId, 'seed subscription id') }),
);

const paid = await h.step('provisionCustomer.paid', () =>
  stigg.provisionCustomer({
    customerId: ids.paid,
    billingInfo: { paymentMethodId: 'pm_card_visa', currency: 'usd' },
    subscriptionParams: { planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' },
  }),
);
const paidSubscriptionId = paid?.subscription?.id;
await h.step('updateSubscription', () =>
  stigg.updateSubscription({
    subscriptionId: need(paidSubscriptionId, 'paid subscription id'),
    addons: [{ addonId: 'addon-extra-requests', quantity: 2 }],
    metadata: { key: 'newValue' },
    billingInformation: { metadata: { lorem: 'ipsum' } },
    billingPeriod: BillingPeriod.Monthly,
  }),
);
await h.step('getMeteredEntitlement.afterAddonUpdate', () =>
  stigg.getMeteredEntitlement({ customerId: ids.paid, featureId: 'feature-demo-03' }),
);
await h.step('estimateSubscriptionUpdate', () =>
  stigg.estimateSubscriptionUpdate({
    subscriptionId: need(paidSubscriptionId, 'paid subscription id'),
    addons: [{ addonId: 'addon-extra-requests', quantity: 3 }],
  }),
);
// migrateSubscriptionToLatest needs a second package version: test_interop_migration.py.
await h.step('updateSubscription.scheduled', () =>
  stigg.updateSubscription({
    subscriptionId: need(paidSubscriptionId, 'paid subscription id'),
    billingPeriod: BillingPeriod.Annually,
    scheduleStrategy: 'END_OF_BILLING_PERIOD',
  }),
);
await h.step('getSubscription.withSchedule', () =>
  stigg.getSubscription({ subscriptionId: need(paidSubscriptionId, 'paid subscription id') }),
);
await h.step('cancelSubscriptionScheduledUpdates.pendingPayment', () =>
  stigg.cancelSubscriptionScheduledUpdates({
    subscriptionId: need(paidSubscriptionId, 'paid subscription id'),
    status: SubscriptionScheduleStatus.PendingPayment,
  }),
);
await h.step('getSubscription.afterPendingPaymentCancel', () =>
  stigg.getSubscription({ subscriptionId: need(paidSubscriptionId, 'paid subscription id') }),
);
await h.step('cancelSubscriptionScheduledUpdates.scheduled', () =>
  stigg.cancelSubscriptionScheduledUpdates({
    subscriptionId: need(paidSubscriptionId, 'paid subscription id'),
    status: SubscriptionScheduleStatus.Scheduled,
  }),
);
await h.step('getSubscription.afterScheduledCancel', () =>
  stigg.getSubscription({ subscriptionId: need(paidSubscriptionId, 'paid subscription id') }),
);

// Multi-subscription product: one subscription per resource.
await h.step('provisionCustomer.ws', () =>
  stigg.provisionCustomer({ customerId: ids.ws, subscriptionParams: null }),
);
const wsSubs = {};
for (const resourceId of ['ws-1', 'ws-2', 'ws-3']) {
  const result = await h.step(`provisionSubscription.resource.${resourceId}`, () =>
    stigg.provisionSubscription({ customerId: ids.ws, planId: 'plan-workspace-free', resourceId }),
  );
  wsSubs[resourceId] = result?.subscription?.id;
}
await h.step('getActiveSubscriptionsList.resourceId', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.ws, resourceId: 'ws-1' }),
);
await h.step('getActiveSubscriptionsList.resourceIds', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.ws, resourceId: ['ws-1', 'ws-2'] }),
);
await h.step('getMeteredEntitlement.resource', () =>
  stigg.getMeteredEntitlement({ customerId: ids.ws, featureId: 'feature-projects', resourceId: 'ws-1' }),
);
await h.step('getEntitlements.resource', () => stigg.getEntitlements(ids.ws, 'ws-2'));
await h.step('cancelSubscription', () =>
  stigg.cancelSubscription({ subscriptionId: need(wsSubs['ws-3'], 'ws-3 subscription id') }),
);
await h.step('getActiveSubscriptionsList.afterCancel', () =>
  stigg.getActiveSubscriptionsList({ customerId: ids.ws, resourceId: 'ws-3' }),
);

// --- entitlements of the seeded customer (read only) ---------------------------------------------
await h.step('getBooleanEntitlement', () =>
  stigg.getBooleanEntitlement({ customerId: 'customer-demo-01', featureId: 'feature-demo-02' }),
);
await h.step('getBooleanEntitlement.notInPlan', () =>
  stigg.getBooleanEntitlement({ customerId: 'customer-demo-01', featureId: 'feature-api-calls' }),
);
await h.step('getBooleanEntitlement.unknownCustomer', () =>
  stigg.getBooleanEntitlement({ customerId: ids.unknown, featureId: 'feature-demo-02' }),
);
await h.step('getNumericEntitlement', () =>
  stigg.getNumericEntitlement({ customerId: 'customer-demo-01', featureId: 'feature-demo-01' }),
);
await h.step('getMeteredEntitlement', () =>
  stigg.getMeteredEntitlement({ customerId: 'customer-demo-01', featureId: 'feature-demo-03' }),
);
await h.step('getMeteredEntitlement.requestedUsage', () =>
  stigg.getMeteredEntitlement({
    customerId: 'customer-demo-01',
    featureId: 'feature-demo-03',
    options: { requestedUsage: 10 },
  }),
);
await h.step('getEntitlements', () => stigg.getEntitlements('customer-demo-01'));
await h.step('getMeteredEntitlement.seedCustomerPro', () =>
  stigg.getMeteredEntitlement({ customerId: ids.seed, featureId: 'feature-demo-03' }),
);
await h.step('getNumericEntitlement.seedCustomerInherited', () =>
  stigg.getNumericEntitlement({ customerId: ids.seed, featureId: 'feature-demo-01' }),
);

// --- usage, events, promotional entitlements ------------------------------------------------------
await h.step('provisionCustomer.usage', () =>
  stigg.provisionCustomer({ customerId: ids.usage, subscriptionParams: { planId: 'plan-stigg-starter' } }),
);
await h.step('getMeteredEntitlement.beforeUsage', () =>
  stigg.getMeteredEntitlement({ customerId: ids.usage, featureId: 'feature-demo-03' }),
);
await h.step('reportUsage.delta1', () =>
  stigg.reportUsage({ customerId: ids.usage, featureId: 'feature-demo-03', value: 1 }),
);
await h.step('reportUsage.delta2', () =>
  stigg.reportUsage({ customerId: ids.usage, featureId: 'feature-demo-03', value: 1 }),
);
await h.step('getMeteredEntitlement.afterDelta', () =>
  stigg.getMeteredEntitlement({ customerId: ids.usage, featureId: 'feature-demo-03' }),
);
await h.step('getMeteredEntitlement.afterDelta.requestOneMore', () =>
  stigg.getMeteredEntitlement({
    customerId: ids.usage,
    featureId: 'feature-demo-03',
    options: { requestedUsage: 1 },
  }),
);
await h.step('reportUsage.set', () =>
  stigg.reportUsage({
    customerId: ids.usage,
    featureId: 'feature-demo-03',
    value: 1,
    updateBehavior: UsageUpdateBehavior.Set,
  }),
);
await h.step('getMeteredEntitlement.afterSet', () =>
  stigg.getMeteredEntitlement({ customerId: ids.usage, featureId: 'feature-demo-03' }),
);
await h.step('reportUsageBulk', () =>
  stigg.reportUsageBulk({ usages: [{ customerId: ids.usage, featureId: 'feature-demo-03', value: 1 }] }),
);

const now = new Date().toISOString();
await h.step('reportEvent.single', () =>
  stigg.reportEvent({
    customerId: ids.seed,
    eventName: 'user_login',
    idempotencyKey: `${prefix}-event-1`,
    dimensions: { user_id: 'user-01', user_email: 'john@example.com' },
    timestamp: now,
  }),
);
await h.step('reportEvent.batch', () =>
  stigg.reportEvent([
    { customerId: ids.seed, eventName: 'user_login', idempotencyKey: `${prefix}-event-2`, dimensions: { user_id: 'user-02' } },
    { customerId: ids.seed, eventName: 'user_login', idempotencyKey: `${prefix}-event-3`, dimensions: { user_id: 'user-01' } },
    { customerId: ids.seed, eventName: 'api_call', idempotencyKey: `${prefix}-event-4`, dimensions: { path: '/a', n: 1, ok: true } },
    { customerId: ids.seed, eventName: 'api_call', idempotencyKey: `${prefix}-event-4`, dimensions: { path: '/a', n: 1, ok: true } },
    { customerId: ids.seed, eventName: 'api_call', idempotencyKey: `${prefix}-event-5` },
  ]),
);
// Events may be aggregated asynchronously: poll briefly for the expected counts.
await h.step('getMeteredEntitlement.afterEvents.activeUsers', () =>
  waitFor(async () => {
    const e = await stigg.getMeteredEntitlement({ customerId: ids.seed, featureId: 'feature-active-users' });
    return e.currentUsage === 2 ? e : null;
  }, 3000).then((e) => e ?? stigg.getMeteredEntitlement({ customerId: ids.seed, featureId: 'feature-active-users' })),
);
await h.step('getMeteredEntitlement.afterEvents.apiCalls', () =>
  waitFor(async () => {
    const e = await stigg.getMeteredEntitlement({ customerId: ids.seed, featureId: 'feature-api-calls' });
    return e.currentUsage === 2 ? e : null;
  }, 3000).then((e) => e ?? stigg.getMeteredEntitlement({ customerId: ids.seed, featureId: 'feature-api-calls' })),
);

await h.step('grantPromotionalEntitlements', () =>
  stigg.grantPromotionalEntitlements({
    customerId: ids.usage,
    promotionalEntitlements: [{ featureId: 'feature-api-calls', period: 'ONE_WEEK', usageLimit: 5 }],
  }),
);
await h.step('getMeteredEntitlement.promotional', () =>
  stigg.getMeteredEntitlement({ customerId: ids.usage, featureId: 'feature-api-calls' }),
);
await h.step('getCustomer.promotional', () => stigg.getCustomer(ids.usage));
await h.step('revokePromotionalEntitlements', () =>
  stigg.revokePromotionalEntitlements({ customerId: ids.usage, featureId: 'feature-api-calls' }),
);
await h.step('getMeteredEntitlement.afterRevoke', () =>
  stigg.getMeteredEntitlement({ customerId: ids.usage, featureId: 'feature-api-calls' }),
);

// --- catalog reads --------------------------------------------------------------------------------
await h.step('getPaywall', () => stigg.getPaywall());
await h.step('getPaywall.product', () => stigg.getPaywall({ productId: 'product-stigg' }));
await h.step('getPaywall.country', () =>
  stigg.getPaywall({ productId: 'product-stigg', billingCountryCode: 'DK' }),
);
await h.step('getPaywall.customer', () =>
  stigg.getPaywall({ productId: 'product-stigg', customerId: ids.seed }),
);
await h.step('getCoupons', () => stigg.getCoupons());
await h.step('getProducts', () => stigg.getProducts());
await h.step('estimateSubscription', () =>
  stigg.estimateSubscription({
    customerId: ids.usage,
    billingPeriod: 'MONTHLY',
    planId: 'plan-stigg-pro',
    addons: [{ addonId: 'addon-extra-requests', quantity: 1 }],
    promotionCode: 'STIGG30',
    startDate: new Date(),
    billingCountryCode: 'US',
  }),
);
await h.step('estimateSubscription.noDiscount', () =>
  stigg.estimateSubscription({ customerId: ids.usage, billingPeriod: 'MONTHLY', planId: 'plan-stigg-pro' }),
);

// --- archive last: the id must never come back -----------------------------------------------------
await h.step('archiveCustomer', () => stigg.archiveCustomer(ids.nosub));
await h.step('getCustomer.archived', () => stigg.getCustomer(ids.nosub));
await h.step('provisionCustomer.archivedId', () =>
  stigg.provisionCustomer({ customerId: ids.nosub, subscriptionParams: null }),
);

h.note('ids', { ...ids, seedSubscriptionId, paidSubscriptionId, wsSubs });
await h.finish();
