// The order-assignments slice's entry point: each order's shop and rider now, as messaging learns
// them from orders.events — who may report an exception on an order, or attach a photo to it.
export { orderAssignmentsConsumer } from './consumers/order-assignments.consumer';
export { assignmentOf, type OrderAssignment } from './order-assignments.queries';
