// node validate.mjs FILE: validates every Kubernetes object of a multi-document YAML file (what
// `kubectl kustomize k8s/` renders) against the API schema of its apiVersion and kind (kubernetes-models: the Kubernetes OpenAPI
// schemas as JSON-schema validators). Prints one line per object, "ok Kind/name" or "invalid Kind/name: why",
// and exits 1 if any object is invalid or of a kind it has no schema for.
import { readFileSync } from "node:fs";
import { loadAll } from "js-yaml";

let failed = false;
for (const object of loadAll(readFileSync(process.argv[2], "utf8")).filter(Boolean)) {
  const name = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    // The core group's apiVersion is "v1", the others "group/version": both are the module's folder.
    ({ [object.kind]: Model } = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`));
  } catch (e) {
    console.log(`invalid ${name}: no schema for ${object.apiVersion} ${object.kind} (${e.message})`);
    failed = true;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`invalid ${name}: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
