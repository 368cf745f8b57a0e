#!/bin/sh
echo "$GREETING ($(cat /etc/alpine-release))"
