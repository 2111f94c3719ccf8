// A grpc-js client of the real Kitchen service: the two streaming shapes of ftgo.kitchen.v1.KitchenService,
// loaded from the project's IDL folder (shared/FoodOrdering.Grpc.Contracts/Protos). Prints "PASS name" or
// "FAIL name: why" per scenario.
// Usage: node kitchen_client.js HOST:PORT RESTAURANT_ID TICKET_ID (a ticket of that restaurant awaiting acceptance)
'use strict';
const assert = require('assert');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, restaurantId, ticketId] = process.argv.slice(2);
const idl = path.resolve(__dirname, '../../../shared/FoodOrdering.Grpc.Contracts/Protos');
const kitchenV1 = grpc.loadPackageDefinition(protoLoader.loadSync('ftgo/kitchen/v1/kitchen.proto',
  { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [idl] })).ftgo.kitchen.v1;
const kitchen = new kitchenV1.KitchenService(address, grpc.credentials.createInsecure());
const deadline = () => Date.now() + 30000;

// Client streaming: write every item, then close our side; one answer (or one status) comes back.
const uploadMenu = (items, restaurant = restaurantId) => new Promise((resolve, reject) => {
  const metadata = new grpc.Metadata();
  metadata.set('restaurant-id', restaurant);
  const call = kitchen.UploadMenu(metadata, { deadline: deadline() }, (error, menu) => (error ? reject(error) : resolve(menu)));
  items.forEach((item) => call.write(item));
  call.end();
});

const item = (i, price = `${(i % 40) + 1}.50`) => ({ menu_item_id: `${i}`, name: `Dish ${i}`, price: { amount: price } });

const expectCode = async (promise, code) => {
  try {
    await promise;
  } catch (error) {
    assert.strictEqual(error.code, code, `expected status ${code}, got ${error.code} (${error.details})`);
    return;
  }
  assert.fail(`expected status ${code}, got OK`);
};

// Bidirectional streaming: one call, events read as they come while commands are written.
function openBoard() {
  const call = kitchen.TicketBoard({ deadline: deadline() });
  const received = [];
  let waiter = null;
  call.on('data', (event) => {
    received.push(event);
    if (waiter) waiter();
  });
  const ended = new Promise((resolve, reject) => {
    call.on('end', resolve);
    call.on('error', reject);
  });
  const next = async (wanted) => {
    for (;;) {
      const index = received.findIndex(wanted);
      if (index >= 0) return received.splice(index, 1)[0];
      await new Promise((resolve) => { waiter = resolve; });
    }
  };
  return { call, next, ended };
}

const scenarios = {
  async upload_menu() {
    const items = Array.from({ length: 500 }, (_, i) => item(i + 1));
    const menu = await uploadMenu(items);
    assert.strictEqual(menu.restaurant_id, restaurantId);
    assert.strictEqual(menu.menu_items.length, 500);
    assert.strictEqual(menu.menu_items[499].price.amount, items[499].price.amount);
  },
  async upload_menu_invalid_argument() {
    await expectCode(uploadMenu([item(1), item(2), item(1)]), grpc.status.INVALID_ARGUMENT);
  },
  async upload_menu_not_found() {
    await expectCode(uploadMenu([item(1)], '-1'), grpc.status.NOT_FOUND);
  },
  async ticket_board() {
    const board = openBoard();
    board.call.write({ command_id: 'open', open: { restaurant_id: restaurantId } });
    const open = await board.next((e) => e.ticket && e.ticket.ticket_id === ticketId);
    assert.strictEqual(open.ticket.state, 'AWAITING_ACCEPTANCE');

    const readyBy = { seconds: String(Math.floor(Date.now() / 1000) + 1800), nanos: 0 };
    board.call.write({ command_id: 'a1', accept: { ticket_id: ticketId, ready_by: readyBy } });
    const accepted = await board.next((e) => e.outcome && e.outcome.command_id === 'a1');
    assert.strictEqual(accepted.outcome.code, grpc.status.OK);
    assert.strictEqual(accepted.outcome.ticket.state, 'ACCEPTED');
    // The change is also pushed, as every committed change of the restaurant's tickets is.
    await board.next((e) => e.ticket && e.ticket.ticket_id === ticketId && e.ticket.state === 'ACCEPTED');

    board.call.write({ command_id: 'r1', mark_ready_for_pickup: { ticket_id: ticketId } });
    const refused = await board.next((e) => e.outcome && e.outcome.command_id === 'r1');
    assert.strictEqual(refused.outcome.code, grpc.status.FAILED_PRECONDITION);

    board.call.write({ command_id: 'p1', start_preparing: { ticket_id: ticketId } });
    const preparing = await board.next((e) => e.outcome && e.outcome.command_id === 'p1');
    assert.strictEqual(preparing.outcome.code, grpc.status.OK);
    assert.strictEqual(preparing.outcome.ticket.state, 'PREPARING');

    board.call.end();
    await board.ended;
  },
};

(async () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    try {
      await scenario();
      console.log(`PASS ${name}`);
    } catch (error) {
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }
  kitchen.close();
})();
