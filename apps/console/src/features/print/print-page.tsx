// Placeholder until the screen is built.
export default function Page() {
  return <h1>print-page</h1>;
}
