// The demo arrives with its own issue; until then say so plainly.
console.log(
  "multi-openim bench: not yet available (see the bench issue). Run the tests with `npx -y pnpm@10 check`.",
);
