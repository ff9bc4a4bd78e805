// getEnumEntitlement and getEntitlement with Stigg's Node server SDK 3.95.0 on the test
// catalog's ENUM feature (feature-export-formats: csv and pdf on Pro).
// Assertions: tests/interop/test_interop_enum.py, which compares them with our StiggServer.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const stigg = nodeServerSdk(h.input);
await h.ready(stigg);
const customerId = `${prefix}-enum`;
await h.step('provisionCustomer', () =>
  stigg.provisionCustomer({
    customerId,
    billingInfo: { paymentMethodId: 'pm_card_visa' },
    subscriptionParams: { planId: 'plan-stigg-pro' },
  }),
);
const featureId = 'feature-export-formats';
await h.step('getEnumEntitlement.plain', () => stigg.getEnumEntitlement({ customerId, featureId }));
await h.step('getEnumEntitlement.allowed', () =>
  stigg.getEnumEntitlement({ customerId, featureId, options: { requestedValues: ['pdf'] } }),
);
await h.step('getEnumEntitlement.mismatch', () =>
  stigg.getEnumEntitlement({ customerId, featureId, options: { requestedValues: ['csv', 'xlsx'] } }),
);
await h.step('getEntitlement.enum', () =>
  stigg.getEntitlement({ customerId, featureId, options: { requestedValues: ['xlsx'] } }),
);
await h.step('getEntitlement.metered', () =>
  stigg.getEntitlement({ customerId, featureId: 'feature-demo-03', options: { requestedUsage: 51 } }),
);
await h.step('getEntitlement.boolean', () =>
  stigg.getEntitlement({ customerId, featureId: 'feature-demo-02' }),
);
await h.finish();
