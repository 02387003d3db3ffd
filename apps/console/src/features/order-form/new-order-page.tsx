// Placeholder until the screen is built.
export default function Page() {
  return <h1>new-order-page</h1>;
}
