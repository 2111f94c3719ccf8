// A grpc-js watcher of the real Order service: ftgo.order.v1.OrderService/WatchOrder (server streaming),
// loaded from the project's IDL folder (shared/FoodOrdering.Grpc.Contracts/Protos). Prints "STATE name"
// for every message as it arrives, then "END OK" when the service ends the stream, or "END code details".
// Usage: node watch_order.js HOST:PORT ORDER_ID
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, orderId] = process.argv.slice(2);
const idl = path.resolve(__dirname, '../../../shared/FoodOrdering.Grpc.Contracts/Protos');
const orderV1 = grpc.loadPackageDefinition(protoLoader.loadSync('ftgo/order/v1/order.proto',
  { keepCase: true, longs: String, enums: String, defaults: true, includeDirs: [idl] })).ftgo.order.v1;
const orders = new orderV1.OrderService(address, grpc.credentials.createInsecure());

const call = orders.WatchOrder({ order_id: orderId }, { deadline: Date.now() + 120000 });
call.on('data', (change) => console.log(`STATE ${change.state} (order ${change.order_id})`));
call.on('error', (error) => console.log(`END ${grpc.status[error.code]} ${error.details}`));
call.on('status', (status) => {
  if (status.code === grpc.status.OK) {
    console.log('END OK');
  }
});
