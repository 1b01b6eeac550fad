import { mount } from 'svelte'
import App from './App.svelte'
import NoConnection from './components/NoConnection.svelte'
import { findConnection } from './lib/app.svelte'
import './app.css'

const target = document.getElementById('app')
if (target === null) throw new Error('the page has no #app element')
const connection = findConnection()
if (connection === undefined) mount(NoConnection, { target })
else mount(App, { target, props: connection })
