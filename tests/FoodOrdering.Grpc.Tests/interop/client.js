// A grpc-js client of the real Consumer service. It loads consumer.proto from the project's IDL folder
// (shared/FoodOrdering.Grpc.Contracts/Protos) and the standard health and reflection services from the
// descriptor set the C# test writes. Runs the scenarios of one phase; prints "PASS name" or "FAIL name: why".
// Usage: node client.js DESCRIPTOR_SET HOST:PORT CONSUMER_ID serving|slow|database_down|recovered
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const descriptor = require('protobufjs/ext/descriptor');

const [descriptorSet, address, consumerId, phase] = process.argv.slice(2);
const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true };
const idl = path.resolve(__dirname, '../../../shared/FoodOrdering.Grpc.Contracts/Protos');
const consumerV1 = grpc.loadPackageDefinition(
  protoLoader.loadSync('ftgo/consumer/v1/consumer.proto', { ...loaderOptions, includeDirs: [idl] })).ftgo.consumer.v1;
const standard = grpc.loadPackageDefinition(protoLoader.loadFileDescriptorSetFromBuffer(fs.readFileSync(descriptorSet), loaderOptions)).grpc;

const insecure = grpc.credentials.createInsecure();
const consumers = new consumerV1.ConsumerService(address, insecure);
const health = new standard.health.v1.Health(address, insecure);
const inSeconds = (seconds) => Date.now() + seconds * 1000;

const unary = (client, method, request, deadline = inSeconds(5)) => new Promise((resolve, reject) =>
  client[method](request, { deadline }, (error, response) => (error ? reject(error) : resolve(response))));

const expectError = async (promise, code) => {
  try {
    await promise;
  } catch (error) {
    assert.strictEqual(error.code, code, `expected status ${code}, got ${error.code} (${error.details})`);
    return error;
  }
  return assert.fail(`expected status ${code}, got OK`);
};

const validate = (amount) => unary(consumers, 'ValidateOrderByConsumer', { consumer_id: consumerId, order_total: { amount } });

const reflect = (version, requests) => new Promise((resolve, reject) => {
  const call = new standard.reflection[version].ServerReflection(address, insecure).ServerReflectionInfo();
  const responses = [];
  call.on('data', (response) => responses.push(response));
  call.on('error', reject);
  call.on('end', () => resolve(responses));
  requests.forEach((request) => call.write(request));
  call.end();
});

const healthStatus = async () => (await unary(health, 'Check', { service: '' })).status;

const phases = {
  serving: {
    async get_consumer() {
      const consumer = await unary(consumers, 'GetConsumer', { consumer_id: consumerId });
      assert.strictEqual(consumer.consumer_id, consumerId);
      assert.deepStrictEqual([consumer.name.first_name, consumer.name.last_name], ['Ada', 'Lovelace']);
      assert.strictEqual(consumer.order_limit.amount, '500.00');
    },
    async validate_order_within_the_limit() {
      await validate('500.00');
    },
    async not_found() {
      const error = await expectError(unary(consumers, 'GetConsumer', { consumer_id: '999999999' }), grpc.status.NOT_FOUND);
      assert.ok(error.details.includes('999999999'), error.details);
    },
    async failed_precondition() {
      const error = await expectError(validate('500.01'), grpc.status.FAILED_PRECONDITION);
      assert.ok(error.details.includes('500.00'), error.details);
    },
    async invalid_argument() {
      await expectError(validate('1.005'), grpc.status.INVALID_ARGUMENT);
    },
    async resource_exhausted() {
      // A 5 MB request: over the service's 4 MiB limit.
      await expectError(validate('1'.repeat(5 * 1024 * 1024)), grpc.status.RESOURCE_EXHAUSTED);
    },
    async unimplemented() {
      const call = new Promise((resolve, reject) => consumers.makeUnaryRequest('/ftgo.consumer.v1.ConsumerService/NoSuchMethod',
        (x) => x, (x) => x, Buffer.alloc(0), (error, response) => (error ? reject(error) : resolve(response))));
      await expectError(call, grpc.status.UNIMPLEMENTED);
    },
    async health_serving() {
      assert.strictEqual(await healthStatus(), 'SERVING');
    },
    async reflection_v1() {
      const [list, file] = await reflect('v1', [{ list_services: '' }, { file_containing_symbol: 'ftgo.consumer.v1.ConsumerService' }]);
      const names = list.list_services_response.service.map((s) => s.name);
      for (const name of ['ftgo.consumer.v1.ConsumerService', 'grpc.health.v1.Health']) {
        assert.ok(names.includes(name), names.join(','));
      }
      const protos = file.file_descriptor_response.file_descriptor_proto.map((bytes) => descriptor.FileDescriptorProto.decode(bytes));
      const consumerProto = protos.find((p) => p.name === 'ftgo/consumer/v1/consumer.proto');
      assert.ok(consumerProto, protos.map((p) => p.name).join(','));
      assert.deepStrictEqual(consumerProto.service[0].method.map((m) => m.name), ['GetConsumer', 'ValidateOrderByConsumer']);
    },
    async reflection_v1alpha() {
      const [list] = await reflect('v1alpha', [{ list_services: '' }]);
      const names = list.list_services_response.service.map((s) => s.name);
      assert.ok(names.includes('ftgo.consumer.v1.ConsumerService'), names.join(','));
    },
  },
  slow: {
    async deadline_exceeded() {
      const started = Date.now();
      await expectError(unary(consumers, 'GetConsumer', { consumer_id: consumerId }, Date.now() + 300), grpc.status.DEADLINE_EXCEEDED);
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    },
  },
  database_down: {
    async internal_without_details() {
      const error = await expectError(unary(consumers, 'GetConsumer', { consumer_id: consumerId }), grpc.status.INTERNAL);
      assert.match(error.details, /^An unexpected error occurred\. See the service log for trace id [0-9a-f]+\.$/);
    },
    async health_not_serving() {
      assert.strictEqual(await healthStatus(), 'NOT_SERVING');
    },
  },
  recovered: {
    async health_serving_again() {
      assert.strictEqual(await healthStatus(), 'SERVING');
    },
  },
};

(async () => {
  let failed = 0;
  for (const [name, scenario] of Object.entries(phases[phase])) {
    try {
      await scenario();
      console.log(`PASS ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}: ${String(error.message).replace(/\n/g, ' ')}`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
})();
