<?php

namespace Env;

function env(string $name)
{
    return Env::get($name);
}
