#!/usr/bin/env bash
# Lists the kernel objects that engine roots under a directory left behind, found by their owner labels
# ("dotnet-containers id=<root id> root=<path>"): bridges and veths (ifalias), nftables tables (comment), cgroup
# parents (xattr trusted.dotnet-containers.owner), monitors (DOTNET_CONTAINERS_OWNER in their environment), and mounts
# under the directory. Only roots under the prefix count: other engines on the host are not this run's leaks.
# Usage: source scripts/leak-check.sh; leaked_objects /tmp/containers-tests.XXXX

leaked_objects() {
    local prefix="${1%/}/" label
    local mark="dotnet-containers id=[0-9a-f]{16} root=${prefix}"
    for link in /sys/class/net/*; do
        label=$(cat "$link/ifalias" 2>/dev/null || true)
        if [[ "$label" =~ ^$mark ]]; then echo "interface ${link##*/} ($label)"; fi
    done
    nft list tables ip 2>/dev/null | awk '{print $3}' | while read -r table; do
        label=$(nft list table ip "$table" 2>/dev/null | grep -o 'comment "[^"]*"' | head -1 | sed 's/^comment "//; s/"$//' || true)
        if [[ "$label" =~ ^$mark ]]; then echo "table ip $table ($label)"; fi
    done
    for parent in /sys/fs/cgroup/dotnet-containers/* /sys/fs/cgroup/*/dotnet-containers/*; do
        [ -d "$parent" ] || continue
        label=$(getfattr --only-values -n trusted.dotnet-containers.owner "$parent" 2>/dev/null || true)
        if [[ "$label" =~ ^$mark ]]; then echo "cgroup $parent ($label)"; fi
    done
    # One grep over every environment (NUL-separated entries), not a program per process.
    { grep -HzaE "^DOTNET_CONTAINERS_OWNER=$mark" /proc/[0-9]*/environ 2>/dev/null || true; } | tr '\0' '\n' | while IFS= read -r line; do
        [ -n "$line" ] || continue
        local pid=${line#/proc/}; pid=${pid%%/*}
        echo "process $pid ${line#*:DOTNET_CONTAINERS_OWNER=}"
    done
    awk -v p="$prefix" 'index($5, p) == 1 { print "mount " $5 }' /proc/self/mountinfo
}
