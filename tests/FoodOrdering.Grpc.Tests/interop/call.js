// A grpcurl-like command line over grpc-js, for the walkthrough and the labs (grpcurl itself is not a
// Debian package): calls one method of our services, loaded from the project's IDL folder
// (shared/FoodOrdering.Grpc.Contracts/Protos), with a JSON request. Prints each response message as one
// line of JSON (proto field names, 64-bit integers as strings, as grpcurl does), then nothing more on OK,
// or "ERROR: Code: <code>, Message: <details>" (grpcurl's words) and exit code 1.
// Usage: node call.js HOST:PORT package.Service/Method '{"field": value}'
// Server streaming methods (WatchOrder) print every message until the server ends the call.
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, fullMethod, json = '{}'] = process.argv.slice(2);
if (!address || !fullMethod || !fullMethod.includes('/')) {
  console.error("usage: node call.js HOST:PORT package.Service/Method '{\"field\": value}'");
  process.exit(2);
}
const idl = path.resolve(__dirname, '../../../shared/FoodOrdering.Grpc.Contracts/Protos');
const protos = [];
(function collect(folder) {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) collect(full);
    else if (entry.name.endsWith('.proto')) protos.push(path.relative(idl, full));
  }
})(idl);
const definition = protoLoader.loadSync(protos,
  { keepCase: true, longs: String, enums: String, defaults: false, includeDirs: [idl] });

const [serviceName, methodName] = fullMethod.split('/');
const service = definition[serviceName];
if (!service || !service[methodName]) {
  console.error(`unknown method ${fullMethod}; services: ${Object.keys(definition).filter((k) => !definition[k].format).join(', ')}`);
  process.exit(2);
}
const Client = grpc.makeGenericClientConstructor(service);
const client = new Client(address, grpc.credentials.createInsecure());
const request = JSON.parse(json);
const deadline = { deadline: Date.now() + 60000 };
const print = (message) => console.log(JSON.stringify(message));
const fail = (error) => {
  console.log(`ERROR: Code: ${grpc.status[error.code]}, Message: ${error.details}`);
  process.exitCode = 1;
};

if (service[methodName].responseStream) {
  const call = client[methodName](request, deadline);
  call.on('data', print);
  call.on('error', fail);
  call.on('end', () => client.close());
} else {
  client[methodName](request, deadline, (error, response) => {
    if (error) fail(error); else print(response);
    client.close();
  });
}
