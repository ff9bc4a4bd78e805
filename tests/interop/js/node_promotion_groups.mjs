// grantPromotionalEntitlementsGroup, revokePromotionalEntitlementsGroup and
// unlinkPromotionalEntitlementsGroup with Stigg's Node server SDK 3.95.0, and an ENUM promotion's
// values through getEnumEntitlement. Assertions (and the same calls through our StiggServer):
// tests/interop/test_interop_promotion_groups.py.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { prefix } = h.input;
const stigg = nodeServerSdk(h.input);
await stigg.waitForInitialization();

const customerId = `${prefix}-node-groups`;
const featureGroupId = 'group-reporting';
await h.step('provisionCustomer', () => stigg.provisionCustomer({ customerId, subscriptionParams: null }));
await h.step('grantPromotionalEntitlementsGroup', () =>
  stigg.grantPromotionalEntitlementsGroup({
    customerId,
    featureGroupId,
    promotionalEntitlements: [
      { featureId: 'feature-demo-02', period: 'ONE_MONTH' },
      { featureId: 'feature-export-formats', period: 'ONE_MONTH', enumValues: ['xlsx'] },
      { featureId: 'feature-demo-01', period: 'LIFETIME', usageLimit: 500 },
    ],
  }),
);
await h.step('getEnumEntitlement', () =>
  stigg.getEnumEntitlement({ customerId, featureId: 'feature-export-formats' }),
);
await h.step('unlinkPromotionalEntitlementsGroup', () =>
  stigg.unlinkPromotionalEntitlementsGroup({ customerId, featureGroupId }),
);
await h.step('revokePromotionalEntitlementsGroup.unlinked', () =>
  stigg.revokePromotionalEntitlementsGroup({ customerId, featureGroupId }),
);
await h.step('grantPromotionalEntitlementsGroup.again', () =>
  stigg.grantPromotionalEntitlementsGroup({
    customerId,
    featureGroupId,
    promotionalEntitlements: [{ featureId: 'feature-demo-02', period: 'ONE_WEEK' }],
  }),
);
await h.step('revokePromotionalEntitlementsGroup', () =>
  stigg.revokePromotionalEntitlementsGroup({ customerId, featureGroupId }),
);
await h.step('grantPromotionalEntitlementsGroup.unknown', () =>
  stigg.grantPromotionalEntitlementsGroup({ customerId, featureGroupId: 'group-none', promotionalEntitlements: [] }),
);
await h.finish();
