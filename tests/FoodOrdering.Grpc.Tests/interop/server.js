// A grpc-js server of ftgo.interop.v1.InteropService, for our C# client to call.
// Usage: node server.js PORT   (prints "LISTENING PORT" when ready)
'use strict';
const { grpc, interop } = require('./protos');

function echo(call, callback) {
  const request = call.request;
  const echoed = call.metadata.get('x-echo');
  if (echoed.length > 0) {
    const headers = new grpc.Metadata();
    headers.set('x-echo-header', echoed[0]);
    call.sendMetadata(headers);
  }
  const trailers = new grpc.Metadata();
  if (echoed.length > 0) trailers.set('x-echo-trailer', echoed[0]);
  const answer = () => {
    if (request.crash) return callback({ code: grpc.status.INTERNAL, details: 'crash requested' });
    if (request.fail_with_code !== 0) {
      return callback({ code: request.fail_with_code, details: request.fail_with_message, metadata: trailers });
    }
    callback(null, { text: request.text, payload: request.payload }, trailers);
  };
  if (request.delay_ms > 0) {
    const timer = setTimeout(answer, request.delay_ms);
    call.on('cancelled', () => clearTimeout(timer));
  } else {
    answer();
  }
}

function count(call) {
  let number = 0;
  let timer = null;
  const next = () => {
    if (call.cancelled) return;
    number += 1;
    if (number > call.request.count) return call.end();
    call.write({ number });
    timer = setTimeout(next, call.request.interval_ms);
  };
  call.on('cancelled', () => clearTimeout(timer));
  next();
}

function chat(call) {
  call.on('data', (message) => call.write({ text: 'echo: ' + message.text }));
  call.on('end', () => call.end());
}

const server = new grpc.Server();
server.addService(interop.InteropService.service, { Echo: echo, Count: count, Chat: chat });
const port = process.argv[2];
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log(`LISTENING ${boundPort}`);
});
process.on('SIGTERM', () => server.forceShutdown());
