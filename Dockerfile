# The controller image: the single executable (scripts/build-binary.mjs: the CLI bundled with
# Node into one file) on distroless, which holds only glibc, libstdc++ and CA certificates.
#   docker build -t kubectl-configsync:0.1.0 .
#   kubectl configsync controller manifests -n configsync --from-annotations --image kubectl-configsync:0.1.0 | kubectl apply -f -
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node scripts/build.mjs --force && node scripts/build-binary.mjs

# cc: the executable links glibc and libstdc++ dynamically. nonroot: uid 65532, as the manifests expect.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/release/kubectl-configsync /kubectl-configsync
USER 65532:65532
ENTRYPOINT ["/kubectl-configsync"]
CMD ["controller", "run", "--from-annotations", "--leader-elect", "--metrics-bind-address=:8080", "--log-format=json"]
