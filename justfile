# Ratatoskr task runner. `just` comes from the npm package rust-just:
# run `npx just <recipe>` (or `pnpm exec just <recipe>`) after `npx -y pnpm@12.4.2 install`.

pnpm := "npx -y pnpm@12.4.2"

# List the recipes.
default:
    @just --list

# Install the workspace (Node 24 toolchain comes from the `node` devDependency).
install:
    {{pnpm}} install

# Format, lint, typecheck and test: run before every push.
pre-push: format lint typecheck test

# Format every file in place.
format:
    {{pnpm}} run format

# Lint and check formatting without writing.
lint:
    {{pnpm}} run lint

# Typecheck every package.
typecheck:
    {{pnpm}} run typecheck

# Run the whole test suite.
test:
    {{pnpm}} run test

# Build every package (ESM + type declarations).
build:
    {{pnpm}} run build

# Run the benchmarks; each prints ratios against a reference run in the same process.
bench:
    {{pnpm}} run bench

# Build and start the playground.
playground:
    {{pnpm}} run playground
