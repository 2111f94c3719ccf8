// Loads the project's own .proto files (shared/FoodOrdering.Grpc.Contracts/Protos) for grpc-js.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const root = path.resolve(__dirname, '../../../shared/FoodOrdering.Grpc.Contracts/Protos');

function load(file) {
  const definition = protoLoader.loadSync(file, { includeDirs: [root], keepCase: true, longs: String, enums: String, defaults: true });
  return grpc.loadPackageDefinition(definition);
}

module.exports = {
  grpc,
  interop: load('ftgo/interop/v1/interop.proto').ftgo.interop.v1,
  health: load('grpc/health/v1/health.proto').grpc.health.v1,
  reflectionV1: load('grpc/reflection/v1/reflection.proto').grpc.reflection.v1,
  reflectionV1Alpha: load('grpc/reflection/v1alpha/reflection.proto').grpc.reflection.v1alpha,
};
