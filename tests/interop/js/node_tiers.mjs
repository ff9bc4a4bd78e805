// Tiered prices with Stigg's Node server SDK 3.95.0 on the demo catalog: the paywall of
// product-inkwell-org (VOLUME and GRADUATED seat tiers) and estimateSubscription /
// previewSubscription for seat counts in the first and second tier of each plan.
// Assertions: tests/interop/test_interop_tiers.py (totals worked from the paywall's own tiers).
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix, quantities } = h.input;
const stigg = nodeServerSdk(h.input);
await h.step('waitForInitialization', async () => {
  await stigg.waitForInitialization();
  return 'ready';
});
const customerId = `${prefix}-tiers`;
await h.step('provisionCustomer', () => stigg.provisionCustomer({ customerId, subscriptionParams: null }));
await h.step('getPaywall', () => stigg.getPaywall({ productId: 'product-inkwell-org' }));
for (const planId of ['plan-org-volume', 'plan-org-graduated']) {
  for (const quantity of quantities) {
    const input = {
      customerId,
      planId,
      billingPeriod: 'MONTHLY',
      billableFeatures: [{ featureId: 'feature-seats', quantity }],
    };
    await h.step(`estimate.${planId}.${quantity}`, () => stigg.estimateSubscription(input));
    await h.step(`preview.${planId}.${quantity}`, () => stigg.previewSubscription(input));
  }
}
await h.finish();
