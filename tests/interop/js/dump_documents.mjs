// Print the GraphQL documents the two pinned SDKs send for the operations their seed-guide methods
// use (see README §2), taken from the document objects the packages themselves export. Input:
// {"output": path, "browser": [operationName...], "node": [operationName...]}.
// Output: {"steps": {"browser.<op>": {ok, value: "<document text>"}, "node.<op>": ...}}.
import { Harness, requireFromRepo } from './harness.mjs';

const h = await Harness.start();
const { print } = requireFromRepo('graphql');
const browser = requireFromRepo('@stigg/js-client-sdk');
// The node SDK bundles its own api-client generation (3.108.0) under its node_modules.
const nodeDocuments = requireFromRepo(
  '@stigg/node-server-sdk/node_modules/@stigg/api-client-js/src/generated/sdk.js',
);

for (const [sdk, exportsOf] of [
  ['browser', browser],
  ['node', nodeDocuments],
]) {
  for (const operation of h.input[sdk]) {
    await h.step(`${sdk}.${operation}`, () => {
      const document = exportsOf[`${operation}Document`];
      if (!document) throw new Error(`${sdk} SDK exports no ${operation}Document`);
      return print(document);
    });
  }
}
await h.finish();
