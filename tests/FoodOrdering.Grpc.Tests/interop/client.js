// A grpc-js client that runs every interop scenario against a server of ftgo.interop.v1.InteropService
// (ours), plus health and reflection. Prints "PASS name" or "FAIL name: why" per scenario.
// Usage: node client.js 127.0.0.1:PORT
'use strict';
const assert = require('assert');
const descriptor = require('protobufjs/ext/descriptor');
const { grpc, interop, health, reflectionV1, reflectionV1Alpha } = require('./protos');

const address = process.argv[2];
const client = new interop.InteropService(address, grpc.credentials.createInsecure());

const unary = (request, options = {}, metadata = new grpc.Metadata()) => new Promise((resolve, reject) => {
  const call = client.Echo(request, metadata, options, (error, response) => (error ? reject(error) : resolve({ response, call })));
  call.on('metadata', (headers) => { call.headers = headers; });
  call.on('status', (status) => { call.trailers = status.metadata; });
});

const expectError = async (promise, code) => {
  try {
    await promise;
  } catch (error) {
    assert.strictEqual(error.code, code, `expected code ${code}, got ${error.code} (${error.details})`);
    return error;
  }
  assert.fail(`expected status ${code}, got OK`);
};

const reflect = (service, requests) => new Promise((resolve, reject) => {
  const reflection = new service.ServerReflection(address, grpc.credentials.createInsecure());
  const call = reflection.ServerReflectionInfo();
  const responses = [];
  call.on('data', (response) => responses.push(response));
  call.on('error', reject);
  call.on('end', () => resolve(responses));
  requests.forEach((request) => call.write(request));
  call.end();
});

const unicode = 'Grüße, 你好, \u{1F355} 100% done';

const scenarios = {
  async unary() {
    const { response } = await unary({ text: 'hello', payload: Buffer.from([0, 1, 2, 255]) });
    assert.strictEqual(response.text, 'hello');
    assert.deepStrictEqual([...response.payload], [0, 1, 2, 255]);
  },
  async unicode() {
    const { response } = await unary({ text: unicode });
    assert.strictEqual(response.text, unicode);
    const error = await expectError(unary({ fail_with_code: grpc.status.INVALID_ARGUMENT, fail_with_message: unicode }), grpc.status.INVALID_ARGUMENT);
    assert.strictEqual(error.details, unicode);
  },
  async error_codes() {
    for (const code of [grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION, grpc.status.PERMISSION_DENIED, grpc.status.UNAVAILABLE]) {
      const error = await expectError(unary({ fail_with_code: code, fail_with_message: `code ${code}` }), code);
      assert.strictEqual(error.details, `code ${code}`);
    }
  },
  async internal_error_hides_details() {
    const error = await expectError(unary({ crash: true }), grpc.status.INTERNAL);
    assert.ok(!error.details.includes('secret'), error.details);
  },
  async unknown_method() {
    const call = new Promise((resolve, reject) => client.makeUnaryRequest('/ftgo.interop.v1.InteropService/NoSuchMethod',
      (x) => x, (x) => x, Buffer.alloc(0), (error, response) => (error ? reject(error) : resolve(response))));
    await expectError(call, grpc.status.UNIMPLEMENTED);
  },
  async deadline_exceeded() {
    const started = Date.now();
    await expectError(unary({ delay_ms: 10000 }, { deadline: Date.now() + 200 }), grpc.status.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 5000);
  },
  async metadata() {
    const metadata = new grpc.Metadata();
    metadata.set('x-echo', 'from grpc-js');
    const { call } = await unary({ text: 'm' }, {}, metadata);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(call.headers.get('x-echo-header'), ['from grpc-js']);
    assert.deepStrictEqual(call.trailers.get('x-echo-trailer'), ['from grpc-js']);
  },
  async server_streaming() {
    const numbers = await new Promise((resolve, reject) => {
      const received = [];
      const call = client.Count({ count: 20, interval_ms: 0 });
      call.on('data', (message) => received.push(message.number));
      call.on('error', reject);
      call.on('end', () => resolve(received));
    });
    assert.deepStrictEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1));
  },
  async server_streaming_early_cancel() {
    const error = await new Promise((resolve) => {
      const call = client.Count({ count: 1000, interval_ms: 20 });
      call.on('data', (message) => { if (message.number === 3) call.cancel(); });
      call.on('error', resolve);
      call.on('end', () => resolve(null));
    });
    assert.ok(error, 'the stream ended without the cancellation error');
    assert.strictEqual(error.code, grpc.status.CANCELLED);
  },
  async concurrent_150() {
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => unary({ text: `call ${i}` })));
    results.forEach(({ response }, i) => assert.strictEqual(response.text, `call ${i}`));
  },
  async bidi_streaming() {
    const replies = await new Promise((resolve, reject) => {
      const received = [];
      const call = client.Chat();
      call.on('data', (message) => received.push(message.text));
      call.on('error', reject);
      call.on('end', () => resolve(received));
      ['a', 'b', unicode].forEach((text) => call.write({ text }));
      call.end();
    });
    assert.deepStrictEqual(replies, ['echo: a', 'echo: b', `echo: ${unicode}`]);
  },
  async health_check() {
    const healthClient = new health.Health(address, grpc.credentials.createInsecure());
    const response = await new Promise((resolve, reject) =>
      healthClient.Check({ service: '' }, (error, answer) => (error ? reject(error) : resolve(answer))));
    assert.strictEqual(response.status, 'SERVING');
  },
  async reflection_v1() {
    const [list, file] = await reflect(reflectionV1, [
      { list_services: '' },
      { file_containing_symbol: 'ftgo.interop.v1.InteropService' },
    ]);
    const names = list.list_services_response.service.map((s) => s.name);
    assert.ok(names.includes('ftgo.interop.v1.InteropService'), names.join(','));
    const proto = descriptor.FileDescriptorProto.decode(file.file_descriptor_response.file_descriptor_proto[0]);
    assert.strictEqual(proto.name, 'ftgo/interop/v1/interop.proto');
    assert.deepStrictEqual(proto.service[0].method.map((m) => m.name), ['Echo', 'Count', 'Chat']);
  },
  async reflection_v1alpha() {
    const [list] = await reflect(reflectionV1Alpha, [{ list_services: '' }]);
    const names = list.list_services_response.service.map((s) => s.name);
    assert.ok(names.includes('grpc.reflection.v1alpha.ServerReflection'), names.join(','));
  },
};

(async () => {
  let failed = 0;
  for (const [name, scenario] of Object.entries(scenarios)) {
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
