// fetchUsageHistory and getUsageHistoryV2 with Stigg's Node server SDK 3.95.0: usage reported
// with dimensions over two days of the customer's test clock, then read back flat and grouped.
// Assertions: tests/interop/test_interop_usage_history.py, which compares them with our StiggServer.
import { Harness, nodeServerSdk } from './harness.mjs';

const h = await Harness.start();
const { baseUri, serverKey, prefix } = h.input;
const stigg = nodeServerSdk(h.input);
const customerId = `${prefix}-usage-history`;
const featureId = 'feature-demo-03';

async function clock(body) {
  const init = body
    ? { method: 'POST', body: JSON.stringify({ ...body, customerId }) }
    : { method: 'GET' };
  const url = body ? `${baseUri}/emulator/clock` : `${baseUri}/emulator/clock?customerId=${customerId}`;
  const response = await fetch(url, {
    ...init,
    headers: { 'X-API-KEY': serverKey, 'Content-Type': 'application/json' },
  });
  return (await response.json()).now;
}

await h.step('waitForInitialization', async () => {
  await stigg.waitForInitialization();
  return 'ready';
});
await h.step('provisionCustomer', () =>
  stigg.provisionCustomer({ customerId, subscriptionParams: { planId: 'plan-stigg-pro' } }),
);
const startDate = new Date(await h.step('start', () => clock()));
await h.step('reportUsage', async () => {
  await stigg.reportUsage({ customerId, featureId, value: 3, dimensions: { region: 'eu' } });
  await clock({ by: '1d' });
  await stigg.reportUsage({ customerId, featureId, value: 4, dimensions: { region: 'us' } });
  await clock({ by: '1d' });
  await stigg.reportUsage({ customerId, featureId, value: 2, dimensions: { region: 'eu' } });
  return 'reported';
});
const endDate = new Date(await h.step('end', () => clock()));
await h.step('fetchUsageHistory', () =>
  stigg.fetchUsageHistory({ customerId, featureId, startDate, endDate }),
);
await h.step('getUsageHistoryV2', () =>
  stigg.getUsageHistoryV2({ customerId, featureId, startDate, endDate }),
);
await h.step('getUsageHistoryV2.grouped', () =>
  stigg.getUsageHistoryV2({ customerId, featureId, startDate, endDate, groupBy: ['region'] }),
);
await h.step('getUsageHistoryV2.unknownFeature', () =>
  stigg.getUsageHistoryV2({ customerId, featureId: 'feature-nope', startDate, endDate }),
);
await h.finish();
