// Compares two AsyncAPI documents with @asyncapi/diff and prints its verdict as JSON:
//   node asyncapi-diff.js <baseline.yaml> <current.yaml>
//   -> {"breaking":[...],"nonBreaking":[...],"unclassified":[...]}, each change {action, path, before?, after?}
// @asyncapi/diff classifies channels, operations and servers itself but leaves message payloads
// unclassified, so the rules of our message schemas are added below, from a receiver's point of view
// (an old receiver gets new messages, a new receiver gets old ones still in flight):
//   a new optional field or a new message: non-breaking (receivers ignore what they do not know);
//   a removed field or message, a changed type or format, any change of `required`: breaking.
// Descriptions, summaries and titles are documentation: non-breaking.
// tests/FoodOrdering.ApiCompatibility.Tests runs it (see docs/api-evolution.md).
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');
const { diff } = require('@asyncapi/diff');

const breaking = 'breaking';
const nonBreaking = 'non-breaking';
const rules = {};
const rule = (path, add, remove, edit) => { rules[path] = { add, remove, edit }; };
const documentation = (path) => ['description', 'summary', 'title', 'examples']
  .forEach((name) => rule(`${path}/${name}`, nonBreaking, nonBreaking, nonBreaking));

// A JSON schema (the payload, a field, an array's items), nested a few levels deep.
// (The rule of the schema's own path is its parent's: a new field is non-breaking, new items are not.)
function schema(path, depth) {
  documentation(path);
  rule(`${path}/type`, breaking, breaking, breaking);
  rule(`${path}/format`, breaking, breaking, breaking);
  rule(`${path}/enum`, breaking, breaking, breaking);
  rule(`${path}/enum/*`, breaking, breaking, breaking);
  rule(`${path}/required`, breaking, breaking, breaking);
  rule(`${path}/required/*`, breaking, breaking, breaking);
  rule(`${path}/properties`, nonBreaking, breaking, breaking);
  if (depth > 0) {
    rule(`${path}/properties/*`, nonBreaking, breaking, breaking);
    schema(`${path}/properties/*`, depth - 1);
    rule(`${path}/items`, breaking, breaking, breaking);
    schema(`${path}/items`, depth - 1);
  }
}

// The tool calls any edit of info.version breaking; the version is what the changes are judged against
// (tools/ApiCompatibility/VersionRules.cs), not a change to the contract.
rule('/info/version', nonBreaking, breaking, nonBreaking);
rule('/components/messages', nonBreaking, breaking, breaking);
rule('/components/messages/*', nonBreaking, breaking, breaking);
documentation('/components/messages/*');
rule('/components/messages/*/name', breaking, breaking, breaking);
// The message's own schema version (the ftgo-schema-version header): judged by the test, not here.
rule('/components/messages/*/x-schema-version', nonBreaking, breaking, nonBreaking);
rule('/components/messages/*/traits', breaking, breaking, breaking);
rule('/components/messages/*/traits/*', breaking, breaking, breaking);
rule('/components/messages/*/traits/*/$ref', breaking, breaking, breaking);
rule('/components/messages/*/payload', breaking, breaking, breaking);
schema('/components/messages/*/payload', 3);

const [baselineFile, currentFile] = process.argv.slice(2);
const load = (file) => yaml.load(fs.readFileSync(file, 'utf8'));
const output = diff(load(baselineFile), load(currentFile), { override: rules, outputType: 'json' });
console.log(JSON.stringify({
  breaking: output.breaking(),
  nonBreaking: output.nonBreaking(),
  unclassified: output.unclassified(),
}));
