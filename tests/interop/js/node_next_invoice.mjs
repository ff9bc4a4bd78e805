// previewNextInvoice with Stigg's Node server SDK 3.95.0, around a plan downgrade scheduled for
// the end of the billing period (provisionSubscription with scheduleStrategy) and its cancel.
// Assertions: tests/interop/test_interop_next_invoice.py.
import { Harness, nodeServerSdk, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const { SubscriptionScheduleStatus } = requireFromRepo('@stigg/node-server-sdk');
const stigg = nodeServerSdk(h.input);
await h.ready(stigg);
const customerId = `${prefix}-next-invoice`;
await h.step('provisionCustomer', () =>
  stigg.provisionCustomer({
    customerId,
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: null,
  }),
);
const provisioned = await h.step('provisionSubscription.team', () =>
  stigg.provisionSubscription({
    customerId,
    planId: 'plan-stigg-team',
    billingPeriod: 'MONTHLY',
    skipTrial: true,
    billableFeatures: [{ featureId: 'feature-seats', quantity: 3 }],
  }),
);
const subscriptionId = provisioned?.subscription?.id;
if (subscriptionId) {
  await h.step('previewNextInvoice.team', () => stigg.previewNextInvoice({ subscriptionId }));
  await h.step('provisionSubscription.downgrade', () =>
    stigg.provisionSubscription({
      customerId,
      planId: 'plan-stigg-pro',
      billingPeriod: 'MONTHLY',
      scheduleStrategy: 'END_OF_BILLING_PERIOD',
    }),
  );
  await h.step('getSubscription.scheduled', () => stigg.getSubscription({ subscriptionId }));
  await h.step('previewNextInvoice.scheduled', () => stigg.previewNextInvoice({ subscriptionId }));
  await h.step('cancelSubscriptionScheduledUpdates', () =>
    stigg.cancelSubscriptionScheduledUpdates({
      subscriptionId,
      status: SubscriptionScheduleStatus.Scheduled,
    }),
  );
  await h.step('getSubscription.cancelled', () => stigg.getSubscription({ subscriptionId }));
  await h.step('previewNextInvoice.cancelled', () => stigg.previewNextInvoice({ subscriptionId }));
}
await h.step('previewNextInvoice.unknown', () =>
  stigg.previewNextInvoice({ subscriptionId: `${prefix}-no-such-subscription` }),
);
await h.finish();
