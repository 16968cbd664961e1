# kubetally image: what scripts/setup.sh installs (its build list, no test
# tools), the build, then a non-root user.  deploy/agent and deploy/central
# run it; `docker build -t kubetally .`
FROM debian:bookworm-slim
WORKDIR /src
COPY . .
RUN scripts/setup.sh && make -j2 && make install PREFIX=/usr/local && rm -rf /src/build /var/lib/apt/lists/*
WORKDIR /
USER 65532:65532
ENV HOME=/tmp
EXPOSE 9003
ENTRYPOINT ["/usr/local/bin/kubetally"]
CMD ["serve", "--listen", "0.0.0.0:9003"]
