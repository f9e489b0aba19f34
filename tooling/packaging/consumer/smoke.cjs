/** CommonJS consumer: `require` every package, then the shared checks. */
const { runChecks, PACKAGES } = require("./run-checks.cjs");

const modules = Object.fromEntries(PACKAGES.map((name) => [name, require(name)]));
runChecks(modules, { format: "cjs", resolved: require.resolve("@ratatoskr/gateway") }).catch(
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
