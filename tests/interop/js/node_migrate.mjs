// migrateSubscriptionToLatest with Stigg's Node server SDK 3.95.0 across a catalog change.
// Phase "provision" (catalog v1): a paid subscription. Phase "migrate" (emulator restarted with a
// catalog whose Pro price changed, so Pro has a new package version): read, migrate, read again.
// Assertions: tests/interop/test_interop_migration.py.
import { Harness, nodeServerSdk, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { prefix, phase, subscriptionId } = h.input;
const { SubscriptionMigrationTime } = requireFromRepo('@stigg/node-server-sdk');
const stigg = nodeServerSdk(h.input);
await h.ready(stigg);
if (phase === 'provision') {
  await h.step('provisionCustomer', () =>
    stigg.provisionCustomer({
      customerId: `${prefix}-migrate`,
      billingInfo: { paymentMethodId: 'pm_card_visa' },
      subscriptionParams: { planId: 'plan-stigg-pro', billingPeriod: 'MONTHLY' },
    }),
  );
} else {
  await h.step('getSubscription.before', () => stigg.getSubscription({ subscriptionId }));
  await h.step('migrateSubscriptionToLatest', () =>
    stigg.migrateSubscriptionToLatest({
      subscriptionId,
      subscriptionMigrationTime: SubscriptionMigrationTime.Immediate,
    }),
  );
  await h.step('getSubscription.after', () => stigg.getSubscription({ subscriptionId }));
}
await h.finish();
