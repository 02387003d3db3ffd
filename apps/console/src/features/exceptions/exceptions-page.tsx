// Placeholder until the screen is built.
export default function Page() {
  return <h1>exceptions-page</h1>;
}
