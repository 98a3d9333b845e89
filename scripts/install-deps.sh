#!/usr/bin/env bash
# Install what sttkit needs to build and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config clang \
  libpcap-dev libnet1-dev libjansson-dev \
  tcpdump tshark iproute2 nftables ethtool iperf3 valgrind \
  procps python3 iputils-ping zsh groff-base >/dev/null
